/**
 * @module govern/network/ip-address
 * IP addresses as numbers, so that blocks (CIDR) and special ranges compare exactly whatever way an
 * address was written. Parsing is strict: dotted-quad IPv4 and RFC 4291 IPv6 text (no zone index).
 * Loose IPv4 forms in URLs (`2852039166`, `0251.0376.0251.0376`, `0xa9.0xfe…`) are already turned into
 * dotted quads by the WHATWG URL parser before they reach this module.
 */
import { isIPv4, isIPv6 } from 'node:net';

/** An IPv4 address (32-bit value) or IPv6 address (128-bit value). */
export interface IpAddress {
  readonly family: 4 | 6;
  readonly value: bigint;
}

const V4_MAPPED_PREFIX = 0xffffn << 32n; // ::ffff:0:0/96
const NAT64_PREFIX = 0x0064_ff9bn << 96n; // 64:ff9b::/96
const LOW_32 = 0xffff_ffffn;

/** Parses `1.2.3.4`, `::1`, `[::1]` or `::ffff:1.2.3.4`; null for anything else. */
export function parseIp(text: string): IpAddress | null {
  const bare = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  if (isIPv4(bare)) return { family: 4, value: parseV4(bare) };
  if (isIPv6(bare) && !bare.includes('%')) return { family: 6, value: parseV6(bare) };
  return null;
}

/**
 * The address a connection would really reach: an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`) is
 * that IPv4 address on a dual-stack socket, so it is compared as one.
 */
export function canonicalIp(ip: IpAddress): IpAddress {
  if (ip.family === 6 && ip.value >> 32n === V4_MAPPED_PREFIX >> 32n) {
    return { family: 4, value: ip.value & LOW_32 };
  }
  return ip;
}

/**
 * The IPv4 address carried inside an IPv6 one by the well-known embeddings: IPv4-mapped
 * (`::ffff:0:0/96`), IPv4-compatible (`::/96` above `::0.255.255.255`, deprecated) and NAT64 (`64:ff9b::/96`). A translator
 * or a dual-stack host may deliver to that IPv4 address, so special-range checks look at it too.
 */
export function embeddedIPv4(ip: IpAddress): IpAddress | null {
  if (ip.family !== 6) return null;
  const top = ip.value >> 32n;
  const low = ip.value & LOW_32;
  if (top === V4_MAPPED_PREFIX >> 32n || top === NAT64_PREFIX >> 32n) return { family: 4, value: low };
  // `::` and `::1` are the unspecified and loopback addresses, not IPv4-compatible ones.
  if (top === 0n && low >= 0x0100_0000n) return { family: 4, value: low };
  return null;
}

/** True when both denote the same address. */
export function sameIp(a: IpAddress, b: IpAddress): boolean {
  return a.family === b.family && a.value === b.value;
}

/** Dotted quad for IPv4; RFC 5952 text (lower case, longest zero run compressed) for IPv6. */
export function formatIp(ip: IpAddress): string {
  if (ip.family === 4) {
    return [24n, 16n, 8n, 0n].map((shift) => String((ip.value >> shift) & 0xffn)).join('.');
  }
  const groups: string[] = [];
  for (let shift = 112n; shift >= 0n; shift -= 16n) groups.push(((ip.value >> shift) & 0xffffn).toString(16));
  // The WHATWG host serialiser implements RFC 5952 compression; reuse it rather than re-derive it.
  return new URL(`http://[${groups.join(':')}]/`).hostname.slice(1, -1);
}

function parseV4(text: string): bigint {
  return text.split('.').reduce((acc, part) => (acc << 8n) | BigInt(Number.parseInt(part, 10)), 0n);
}

function parseV6(text: string): bigint {
  let body = text;
  let tail: bigint[] = [];
  const lastColon = body.lastIndexOf(':');
  if (body.slice(lastColon + 1).includes('.')) {
    const v4 = parseV4(body.slice(lastColon + 1));
    tail = [v4 >> 16n, v4 & 0xffffn];
    // Keep a trailing "::" intact ("::1.2.3.4" → "::").
    body = body.slice(0, lastColon + 1);
    if (body.endsWith(':') && !body.endsWith('::')) body = body.slice(0, -1);
  }
  const [head, rest] = body.split('::') as [string, string | undefined];
  const headGroups = head === '' ? [] : head.split(':');
  const restGroups = rest === undefined || rest === '' ? [] : rest.split(':');
  const fill = 8 - tail.length - headGroups.length - restGroups.length;
  const groups = [
    ...headGroups.map((g) => BigInt(Number.parseInt(g, 16))),
    ...(rest === undefined ? [] : new Array<bigint>(fill).fill(0n)),
    ...restGroups.map((g) => BigInt(Number.parseInt(g, 16))),
    ...tail,
  ];
  return groups.reduce((acc, g) => (acc << 16n) | g, 0n);
}
