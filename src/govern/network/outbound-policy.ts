/**
 * @module govern/network/outbound-policy
 * The gate every outbound call Kiln makes (webhooks, alerts, lineage) goes through. It is built once
 * from `network.allow` and never changes; `docs/network-allow-list.md` describes the patterns and
 * what is always refused.
 *
 * Two checks:
 * - {@link OutboundPolicy.check} looks at the URL alone (synchronous; use it when a URL is stored);
 * - {@link OutboundPolicy.checkResolved} also resolves the host name and refuses it when any address
 *   it resolves to is link-local or a metadata service, unless explicitly allowed (use it right
 *   before connecting, and connect to the addresses it returns: see {@link sendToCheckedTarget}).
 *
 * Limit: a caller that resolves the name again itself (e.g. plain `fetch`) may get a different
 * answer than the one checked (DNS rebinding). Only connecting to the checked addresses closes that.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import { KilnError } from '../../core/errors.js';
import {
  type AllowPattern,
  hostMatches,
  matchesExceptHost,
  parseAllowPattern,
  targetOf,
  type UrlTarget,
} from './allow-pattern.js';
import { canonicalIp, formatIp, type IpAddress, parseIp, sameIp } from './ip-address.js';
import { specialAddressReason, specialHostnameReason } from './special-addresses.js';

/** Resolves a host name to every address it has (node:dns `lookup` with `all: true`). */
export type HostLookup = (hostname: string) => Promise<ReadonlyArray<{ address: string; family: number }>>;

export interface ResolvedAddress {
  readonly address: string;
  readonly family: 4 | 6;
}

/** A URL that passed the policy, with the addresses that were checked for it. */
export interface CheckedTarget {
  readonly url: URL;
  /** Connect only to these; for an IP-literal URL, that address (IPv4-mapped IPv6 as IPv4). */
  readonly addresses: readonly ResolvedAddress[];
}

/** Why a URL was refused; `details.reason` of the URL_NOT_ALLOWED error. */
export type RefusalReason =
  | 'invalid-url'
  | 'scheme'
  | 'credentials'
  | 'special-address'
  | 'no-match'
  | 'resolves-to-special-address';

export interface OutboundPolicyOptions {
  /** Host name resolution (default: node:dns lookup, all addresses, in the resolver's order). */
  readonly lookup?: HostLookup;
}

const defaultLookup: HostLookup = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

export class OutboundPolicy {
  readonly #patterns: readonly AllowPattern[];
  readonly #lookup: HostLookup;

  /** CONFIG_INVALID when a pattern does not parse, naming its index and the problem. */
  constructor(patterns: readonly string[], options: OutboundPolicyOptions = {}) {
    this.#patterns = Object.freeze(patterns.map((p, i) => parseAllowPattern(p, `network.allow[${i}]`)));
    this.#lookup = options.lookup ?? defaultLookup;
  }

  /** The patterns as configured. */
  get patterns(): readonly string[] {
    return this.#patterns.map((p) => p.text);
  }

  /**
   * The parsed URL when it may be called; otherwise URL_NOT_ALLOWED naming the URL (credentials
   * masked) and the reason: not a URL, scheme not http(s), credentials in the URL, a link-local or
   * metadata address or host name not listed exactly, or no pattern matching.
   */
  check(url: string): URL {
    const parsed = parseUrl(url);
    const target = targetOf(parsed);
    const matching = this.#patterns.filter(
      (p) => matchesExceptHost(p, target) && hostMatches(p.host, target.host),
    );
    const special =
      target.host.kind === 'ip'
        ? specialAddressReason(target.host.ip)
        : specialHostnameReason(target.host.name);
    if (special && !matching.some((p) => p.host.kind === 'name' || p.host.kind === 'ip')) {
      throw refuse(
        parsed,
        'special-address',
        `it points at ${special}; only a pattern naming exactly this host allows it`,
      );
    }
    if (matching.length === 0) {
      const why =
        this.#patterns.length === 0
          ? 'network.allow is empty, so no outbound calls are allowed'
          : `no network.allow pattern matches it (patterns: ${this.patterns.join(', ')})`;
      throw refuse(parsed, 'no-match', why);
    }
    return parsed;
  }

  /**
   * {@link check}, then resolves the host name (all addresses) and refuses the URL when any of them
   * is link-local or a metadata address, unless a matching pattern names this host name exactly or
   * a pattern names that address exactly. UNAVAILABLE when the name does not resolve.
   */
  async checkResolved(url: string): Promise<CheckedTarget> {
    const parsed = this.check(url);
    const target = targetOf(parsed);
    if (target.host.kind === 'ip') {
      return {
        url: parsed,
        addresses: [{ address: formatIp(target.host.ip), family: target.host.ip.family }],
      };
    }
    const hostname = target.host.name;
    let found: ReadonlyArray<{ address: string; family: number }>;
    try {
      found = await this.#lookup(hostname);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? 'ERROR';
      throw new KilnError(
        'UNAVAILABLE',
        `cannot resolve ${hostname} for ${maskUrl(parsed)}: ${code}`,
        {
          url: maskUrl(parsed),
          code,
        },
        { cause: e },
      );
    }
    if (found.length === 0) {
      throw new KilnError('UNAVAILABLE', `${hostname} resolves to no address`, { url: maskUrl(parsed) });
    }
    const addresses: ResolvedAddress[] = [];
    for (const { address } of found) {
      // A link-local answer may carry a zone index (fe80::1%eth0); the address decides, not the zone.
      const ip = parseIp(address.replace(/%.*$/, ''));
      if (!ip) throw new KilnError('UNAVAILABLE', `${hostname} resolved to "${address}", not an address`);
      const special = specialAddressReason(ip);
      if (special && !this.#namesExactly(target, ip)) {
        throw refuse(
          parsed,
          'resolves-to-special-address',
          `its host ${hostname} resolves to ${address}, ${special}; only a pattern naming exactly this host or address allows it`,
        );
      }
      addresses.push({ address, family: ip.family });
    }
    return { url: parsed, addresses };
  }

  /** A pattern that accepts the URL names its host exactly, or names the resolved address exactly. */
  #namesExactly(target: UrlTarget, resolved: IpAddress): boolean {
    const ip = canonicalIp(resolved);
    return this.#patterns.some(
      (p) =>
        matchesExceptHost(p, target) &&
        ((p.host.kind === 'name' && target.host.kind === 'name' && p.host.name === target.host.name) ||
          (p.host.kind === 'ip' && sameIp(p.host.ip, ip))),
    );
  }
}

function parseUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    const shown = JSON.stringify(text.length > 200 ? `${text.slice(0, 200)}…` : text);
    throw new KilnError('URL_NOT_ALLOWED', `URL ${shown} is not allowed: it is not a valid absolute URL`, {
      url: shown,
      reason: 'invalid-url' satisfies RefusalReason,
    });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw refuse(
      url,
      'scheme',
      `its scheme is "${url.protocol.slice(0, -1)}"; only http and https are allowed`,
    );
  }
  if (url.username !== '' || url.password !== '') {
    throw refuse(url, 'credentials', 'it contains credentials; put secrets in headers, not in URLs');
  }
  return url;
}

function refuse(url: URL, reason: RefusalReason, why: string): KilnError {
  const shown = maskUrl(url);
  return new KilnError('URL_NOT_ALLOWED', `URL "${shown}" is not allowed: ${why}`, { url: shown, reason });
}

/** The URL with any user name and password replaced, safe for messages and logs. */
export function maskUrl(url: URL): string {
  if (url.username === '' && url.password === '') return url.href;
  const copy = new URL(url.href);
  copy.username = '***';
  copy.password = '';
  return copy.href;
}
