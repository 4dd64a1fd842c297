/**
 * @module govern/network/allow-pattern
 * One `network.allow` pattern: its grammar, its parser and how it matches a URL. The grammar is
 * documented in `docs/network-allow-list.md`:
 *
 * ```
 * pattern = scheme "://" host [ ":" port ] [ path-prefix ]
 * scheme  = "http" | "https"
 * host    = "*." hostname            any subdomain of hostname (not hostname itself)
 *         | hostname                 exactly that host name
 *         | IPv4                     exactly that address
 *         | "[" IPv6 "]"             exactly that address
 *         | "[" IP "/" length "]"    any address in that CIDR block
 * port    = 1-65535 | "*"            omitted: the scheme's default port (80, 443)
 * path-prefix = "/" …                matches whole path segments; omitted: any path
 * ```
 */
import { KilnError } from '../../core/errors.js';
import { canonicalIp, type IpAddress, parseIp, sameIp } from './ip-address.js';
import { blockContains, type IpBlock, parseIpBlock } from './ip-block.js';
import { normaliseHostname } from './special-addresses.js';

export type Scheme = 'http' | 'https';

/** What a pattern's host part accepts. */
export type HostMatcher =
  | { readonly kind: 'name'; readonly name: string }
  | { readonly kind: 'subdomains'; readonly parent: string }
  | { readonly kind: 'ip'; readonly ip: IpAddress }
  | { readonly kind: 'block'; readonly block: IpBlock };

export interface AllowPattern {
  /** The pattern as written in the configuration. */
  readonly text: string;
  readonly scheme: Scheme;
  readonly host: HostMatcher;
  readonly port: number | '*';
  /** Normalised path prefix without a trailing slash; '' matches every path. */
  readonly pathPrefix: string;
}

/** The parts of a URL a pattern looks at, normalised. */
export interface UrlTarget {
  readonly scheme: Scheme;
  readonly host:
    | { readonly kind: 'name'; readonly name: string }
    | { readonly kind: 'ip'; readonly ip: IpAddress };
  readonly port: number;
  readonly path: string;
}

const DEFAULT_PORTS: Readonly<Record<Scheme, number>> = { http: 80, https: 443 };
const PATTERN_RE = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(\[[^\]]*\]|[^/:[\]?#]*)(?::([^/?#]*))?(\/.*)?$/;

/** Parses one pattern; CONFIG_INVALID naming the pattern and what is wrong with it. */
export function parseAllowPattern(text: string, field = 'network.allow'): AllowPattern {
  const fail = (problem: string) =>
    new KilnError('CONFIG_INVALID', `${field}: ${problem}, got ${JSON.stringify(text)}`, {
      field,
      pattern: text,
    });
  const authority = /^[^:]*:\/\/([^/]*)/.exec(text)?.[1] ?? '';
  if (authority.includes('@')) throw fail('a pattern may not contain credentials');
  const m = PATTERN_RE.exec(text.trim());
  if (!m) throw fail('expected scheme://host[:port][/path-prefix]');
  const [, schemeText, hostText, portText, pathText] = m as unknown as [
    string,
    string,
    string,
    string?,
    string?,
  ];
  const scheme = schemeText.toLowerCase();
  if (scheme !== 'http' && scheme !== 'https')
    throw fail(`the scheme must be http or https, not "${schemeText}"`);
  const host = parseHost(hostText);
  if (typeof host === 'string') throw fail(host);
  const port = parsePort(portText, scheme);
  if (port === null) throw fail(`the port must be 1 to 65535 or "*", not "${portText}"`);
  if (pathText !== undefined && /[?#]/.test(pathText))
    throw fail('a pattern may not contain a query or fragment');
  if (host.kind === 'ip' && host.ip.family === 4 && pathText && /^\/\d{1,3}(\/|$)/.test(pathText)) {
    throw fail(`write an address block in brackets, e.g. ${scheme}://[${hostText}${pathText}]`);
  }
  return { text, scheme, host, port, pathPrefix: normalisePathPrefix(pathText ?? '/') };
}

/** The normalised parts of a parsed (WHATWG) URL whose scheme is http or https. */
export function targetOf(url: URL): UrlTarget {
  const scheme = url.protocol.slice(0, -1) as Scheme;
  const ip = parseIp(url.hostname);
  return {
    scheme,
    host: ip ? { kind: 'ip', ip: canonicalIp(ip) } : { kind: 'name', name: normaliseHostname(url.hostname) },
    port: url.port === '' ? DEFAULT_PORTS[scheme] : Number(url.port),
    path: url.pathname,
  };
}

/** True when the pattern accepts the URL. */
export function patternMatches(pattern: AllowPattern, target: UrlTarget): boolean {
  return matchesExceptHost(pattern, target) && hostMatches(pattern.host, target.host);
}

/** Scheme, port and path agree; the host is left to the caller. */
export function matchesExceptHost(pattern: AllowPattern, target: UrlTarget): boolean {
  if (pattern.scheme !== target.scheme) return false;
  if (pattern.port !== '*' && pattern.port !== target.port) return false;
  const prefix = pattern.pathPrefix;
  return prefix === '' || target.path === prefix || target.path.startsWith(`${prefix}/`);
}

export function hostMatches(matcher: HostMatcher, host: UrlTarget['host']): boolean {
  switch (matcher.kind) {
    case 'name':
      return host.kind === 'name' && host.name === matcher.name;
    case 'subdomains':
      return host.kind === 'name' && host.name.endsWith(`.${matcher.parent}`);
    case 'ip':
      return host.kind === 'ip' && sameIp(matcher.ip, host.ip);
    case 'block':
      return host.kind === 'ip' && blockContains(matcher.block, host.ip);
  }
}

function parseHost(text: string): HostMatcher | string {
  if (text === '') return 'the host is missing';
  if (text.startsWith('[')) {
    const inner = text.slice(1, -1);
    if (inner.includes('/')) {
      const block = parseIpBlock(inner);
      if (typeof block === 'string') return `bad address block [${inner}]: ${block}`;
      return { kind: 'block', block };
    }
    const ip = parseIp(inner);
    return ip ? { kind: 'ip', ip: canonicalIp(ip) } : `"${inner}" is not an IP address`;
  }
  const wildcard = text.startsWith('*.');
  const rest = wildcard ? text.slice(2) : text;
  if (rest.includes('*')) return 'a "*" may only stand for the first label, as in *.example.com';
  let hostname: string;
  try {
    hostname = new URL(`http://${rest}/`).hostname;
  } catch {
    return `"${rest}" is not a valid host name`;
  }
  const ip = parseIp(hostname);
  if (ip && wildcard) return 'a "*." wildcard needs a host name, not an address';
  if (ip) return { kind: 'ip', ip: canonicalIp(ip) };
  const name = normaliseHostname(hostname);
  return wildcard ? { kind: 'subdomains', parent: name } : { kind: 'name', name };
}

function parsePort(text: string | undefined, scheme: Scheme): number | '*' | null {
  if (text === undefined) return DEFAULT_PORTS[scheme];
  if (text === '*') return '*';
  const port = /^\d{1,5}$/.test(text) ? Number(text) : Number.NaN;
  return port >= 1 && port <= 65535 ? port : null;
}

function normalisePathPrefix(path: string): string {
  // Resolve dot segments and percent-encode the way URLs are, so the comparison is like for like.
  const normalised = new URL(path, 'http://pattern.invalid').pathname;
  return normalised.replace(/\/+$/, '');
}
