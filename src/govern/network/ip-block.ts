/**
 * @module govern/network/ip-block
 * CIDR blocks (`10.0.0.0/8`, `fe80::/10`) and membership tests. A block never matches an address of
 * the other family; callers normalise IPv4-mapped IPv6 addresses first ({@link canonicalIp}).
 */
import { formatIp, type IpAddress, parseIp } from './ip-address.js';

export interface IpBlock {
  readonly network: IpAddress;
  readonly prefixLength: number;
}

/**
 * Parses `address/length`. Returns a message saying what is wrong when the text is not a block:
 * not an address, a length out of range, or host bits set (`10.1.0.0/8`), which is usually a typo.
 */
export function parseIpBlock(text: string): IpBlock | string {
  const slash = text.indexOf('/');
  if (slash < 0) return 'expected address/prefix-length';
  const network = parseIp(text.slice(0, slash));
  if (!network) return `"${text.slice(0, slash)}" is not an IPv4 or IPv6 address`;
  const lengthText = text.slice(slash + 1);
  const max = network.family === 4 ? 32 : 128;
  if (!/^\d{1,3}$/.test(lengthText) || Number(lengthText) > max) {
    return `prefix length must be 0 to ${max}, got "${lengthText}"`;
  }
  const prefixLength = Number(lengthText);
  const block = { network, prefixLength };
  if ((network.value & ~maskOf(block)) !== 0n) {
    const masked = { family: network.family, value: network.value & maskOf(block) };
    return `host bits are set; did you mean ${formatIp(masked)}/${prefixLength}?`;
  }
  return block;
}

/** Builds a block from text known to be valid (constants). */
export function ipBlock(text: string): IpBlock {
  const block = parseIpBlock(text);
  if (typeof block === 'string') throw new Error(`bad built-in IP block ${text}: ${block}`);
  return block;
}

export function blockContains(block: IpBlock, ip: IpAddress): boolean {
  if (block.network.family !== ip.family) return false;
  return (ip.value & maskOf(block)) === block.network.value;
}

export function formatIpBlock(block: IpBlock): string {
  return `${formatIp(block.network)}/${block.prefixLength}`;
}

function maskOf(block: IpBlock): bigint {
  const bits = BigInt(block.network.family === 4 ? 32 : 128);
  const host = bits - BigInt(block.prefixLength);
  return ((1n << bits) - 1n) ^ ((1n << host) - 1n);
}
