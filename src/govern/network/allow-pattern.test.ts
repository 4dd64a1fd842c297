import { describe, expect, it } from 'vitest';
import { KilnError } from '../../core/errors.js';
import { parseAllowPattern, patternMatches, targetOf } from './allow-pattern.js';

function matches(pattern: string, url: string): boolean {
  return patternMatches(parseAllowPattern(pattern), targetOf(new URL(url)));
}

function problemOf(pattern: string): string {
  try {
    parseAllowPattern(pattern);
  } catch (e) {
    expect(e).toBeInstanceOf(KilnError);
    expect((e as KilnError).code).toBe('CONFIG_INVALID');
    return (e as KilnError).message;
  }
  throw new Error(`${pattern} parsed`);
}

describe('parseAllowPattern', () => {
  it('parses every host form', () => {
    expect(parseAllowPattern('https://*.example.com').host).toEqual({
      kind: 'subdomains',
      parent: 'example.com',
    });
    expect(parseAllowPattern('https://Hooks.Example.COM.').host).toEqual({
      kind: 'name',
      name: 'hooks.example.com',
    });
    expect(parseAllowPattern('http://127.0.0.1:*').host).toEqual({
      kind: 'ip',
      ip: { family: 4, value: 0x7f000001n },
    });
    expect(parseAllowPattern('http://[::1]:8080').host).toEqual({ kind: 'ip', ip: { family: 6, value: 1n } });
    expect(parseAllowPattern('http://[10.0.0.0/8]').host).toMatchObject({ kind: 'block' });
    expect(parseAllowPattern('http://[fd12::/16]:*').host).toMatchObject({ kind: 'block' });
  });

  it('defaults the port to the scheme and the path to everything', () => {
    expect(parseAllowPattern('http://a.example').port).toBe(80);
    expect(parseAllowPattern('HTTPS://a.example').port).toBe(443);
    expect(parseAllowPattern('https://a.example:8443/hooks/').pathPrefix).toBe('/hooks');
    expect(parseAllowPattern('https://a.example/').pathPrefix).toBe('');
  });

  it.each([
    ['ftp://example.com', /scheme must be http or https/],
    ['example.com', /expected scheme:\/\/host/],
    ['http://', /host is missing/],
    ['http://user:pw@example.com', /credentials/],
    ['http://a.*.example.com', /first label/],
    ['http://*example.com', /first label/],
    ['http://*.10.0.0.1', /needs a host name/],
    ['http://example.com:0', /port must be 1 to 65535/],
    ['http://example.com:70000', /port must be 1 to 65535/],
    ['http://example.com:http', /port must be 1 to 65535/],
    ['http://example.com/hooks?x=1', /query or fragment/],
    ['http://[10.0.0.0/33]', /0 to 32/],
    ['http://[10.1.0.0/8]', /host bits are set/],
    ['http://[not-an-ip]', /not an IP address/],
    ['http://10.0.0.0/8', /in brackets, e\.g\. http:\/\/\[10\.0\.0\.0\/8\]/],
    ['http://exa mple.com', /not a valid host name/],
  ])('refuses %s', (pattern, why) => {
    const message = problemOf(pattern);
    expect(message).toMatch(why);
    expect(message).toContain(JSON.stringify(pattern));
  });
});

describe('patternMatches', () => {
  it('matches subdomains, not the parent domain or look-alikes', () => {
    expect(matches('https://*.example.com', 'https://hooks.example.com/x')).toBe(true);
    expect(matches('https://*.example.com', 'https://a.b.example.com/')).toBe(true);
    expect(matches('https://*.example.com', 'https://example.com/')).toBe(false);
    expect(matches('https://*.example.com', 'https://evilexample.com/')).toBe(false);
    expect(matches('https://*.example.com', 'https://example.com.evil.net/')).toBe(false);
  });

  it('matches exact host names without regard to case, trailing dot or IDNA form', () => {
    expect(matches('https://hooks.example.com', 'https://HOOKS.example.com./')).toBe(true);
    expect(matches('https://bücher.example', 'https://xn--bcher-kva.example/')).toBe(true);
    expect(matches('https://hooks.example.com', 'https://hooks.example.org/')).toBe(false);
  });

  it('checks the scheme and the port', () => {
    expect(matches('https://a.example', 'http://a.example/')).toBe(false);
    expect(matches('https://a.example', 'https://a.example:443/')).toBe(true);
    expect(matches('https://a.example', 'https://a.example:8443/')).toBe(false);
    expect(matches('https://a.example:8443', 'https://a.example:8443/')).toBe(true);
    expect(matches('http://127.0.0.1:*', 'http://127.0.0.1:54321/')).toBe(true);
    expect(matches('http://127.0.0.1:*', 'http://127.0.0.1/')).toBe(true);
  });

  it('matches a path prefix on whole segments, after dot segments are resolved', () => {
    expect(matches('https://a.example/hooks', 'https://a.example/hooks')).toBe(true);
    expect(matches('https://a.example/hooks', 'https://a.example/hooks/kiln?x=1')).toBe(true);
    expect(matches('https://a.example/hooks', 'https://a.example/hooksmith')).toBe(false);
    expect(matches('https://a.example/hooks', 'https://a.example/hooks/../admin')).toBe(false);
    expect(matches('https://a.example/hooks', 'https://a.example/hooks/%2e%2e/admin')).toBe(false);
  });

  it('matches IP literals however the URL writes them', () => {
    expect(matches('http://127.0.0.1:*', 'http://2130706433:8080/')).toBe(true);
    expect(matches('http://127.0.0.1:*', 'http://0x7f.1:8080/')).toBe(true);
    expect(matches('http://127.0.0.1:*', 'http://[::ffff:127.0.0.1]:8080/')).toBe(true);
    expect(matches('http://[::1]:*', 'http://[0:0:0:0:0:0:0:1]:8080/')).toBe(true);
    expect(matches('http://127.0.0.1:*', 'http://localhost:8080/')).toBe(false);
  });

  it('matches CIDR blocks against IP-literal URLs only', () => {
    expect(matches('http://[10.0.0.0/8]:*', 'http://10.20.30.40:9000/')).toBe(true);
    expect(matches('http://[10.0.0.0/8]:*', 'http://11.0.0.1:9000/')).toBe(false);
    expect(matches('http://[10.0.0.0/8]:*', 'http://[::ffff:10.1.1.1]:9000/')).toBe(true);
    expect(matches('http://[fd12::/16]', 'http://[fd12:3456::1]/')).toBe(true);
    expect(matches('http://[10.0.0.0/8]', 'http://ten.example/')).toBe(false);
  });
});
