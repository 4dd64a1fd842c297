/**
 * @module govern/network/special-addresses
 * Addresses and host names that an outbound call must never reach by accident: link-local ranges
 * and the cloud instance-metadata services that live on them (credentials for the whole machine are
 * one GET away), plus "this host" addresses. {@link OutboundPolicy} refuses them unless a
 * `network.allow` pattern names that exact address or host name; a wildcard or CIDR pattern is not
 * enough.
 */
import { canonicalIp, embeddedIPv4, type IpAddress } from './ip-address.js';
import { blockContains, type IpBlock, ipBlock } from './ip-block.js';

interface SpecialBlock {
  readonly block: IpBlock;
  readonly reason: string;
}

const SPECIAL_BLOCKS: readonly SpecialBlock[] = [
  {
    block: ipBlock('169.254.0.0/16'),
    reason: 'a link-local address (169.254.0.0/16, home of cloud metadata services)',
  },
  { block: ipBlock('fe80::/10'), reason: 'an IPv6 link-local address (fe80::/10)' },
  { block: ipBlock('fd00:ec2::254/128'), reason: 'the AWS instance metadata address (fd00:ec2::254)' },
  { block: ipBlock('100.100.100.200/32'), reason: 'the Alibaba Cloud metadata address (100.100.100.200)' },
  { block: ipBlock('168.63.129.16/32'), reason: 'the Azure platform address (168.63.129.16)' },
  { block: ipBlock('0.0.0.0/8'), reason: 'a "this host" address (0.0.0.0/8), which reaches local services' },
  { block: ipBlock('::/128'), reason: 'the unspecified IPv6 address (::), which reaches local services' },
];

/** Host names of metadata services, compared without case and without a trailing dot. */
export const METADATA_HOSTNAMES: readonly string[] = [
  'metadata.google.internal',
  'metadata.goog',
  'metadata',
  'instance-data',
  'instance-data.ec2.internal',
];

/** The special ranges, in the order they are checked (the documentation lists the same). */
export function specialBlocks(): readonly IpBlock[] {
  return SPECIAL_BLOCKS.map((s) => s.block);
}

/**
 * Why `ip` is special, or null. IPv4-mapped, IPv4-compatible and NAT64 forms of a special IPv4
 * address are special too.
 */
export function specialAddressReason(ip: IpAddress): string | null {
  const candidates = [canonicalIp(ip)];
  const inner = embeddedIPv4(ip);
  if (inner) candidates.push(inner);
  for (const candidate of candidates) {
    const hit = SPECIAL_BLOCKS.find((s) => blockContains(s.block, candidate));
    if (hit) return hit.reason;
  }
  return null;
}

/** Why `hostname` is special (a metadata service name), or null. */
export function specialHostnameReason(hostname: string): string | null {
  const name = normaliseHostname(hostname);
  return METADATA_HOSTNAMES.includes(name) ? `a cloud metadata host name (${name})` : null;
}

/** Lower case, without one trailing dot (`Example.COM.` and `example.com` are the same host). */
export function normaliseHostname(hostname: string): string {
  const lower = hostname.toLowerCase();
  return lower.endsWith('.') ? lower.slice(0, -1) : lower;
}
