import { describe, expect, it } from 'vitest';
import { KilnError } from '../../core/errors.js';
import { type HostLookup, OutboundPolicy, type RefusalReason } from './outbound-policy.js';

function refusal(fn: () => unknown): KilnError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(KilnError);
    return e as KilnError;
  }
  throw new Error('expected a refusal');
}

async function asyncRefusal(p: Promise<unknown>): Promise<KilnError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(KilnError);
    return e as KilnError;
  }
  throw new Error('expected a refusal');
}

function expectRefused(policy: OutboundPolicy, url: string, reason: RefusalReason): KilnError {
  const e = refusal(() => policy.check(url));
  expect(e.code).toBe('URL_NOT_ALLOWED');
  expect(e.details.reason).toBe(reason);
  return e;
}

/** A resolver answering from a table, recording what it was asked. */
function tableLookup(table: Record<string, string[]>): HostLookup & { asked: string[] } {
  const asked: string[] = [];
  const lookup = async (hostname: string) => {
    asked.push(hostname);
    const addresses = table[hostname];
    if (!addresses)
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return Object.assign(lookup, { asked });
}

describe('OutboundPolicy.check', () => {
  it('returns the parsed URL when a pattern matches', () => {
    const policy = new OutboundPolicy(['http://127.0.0.1:*', 'https://*.example.com/hooks']);
    expect(policy.check('http://127.0.0.1:8080/x').href).toBe('http://127.0.0.1:8080/x');
    expect(policy.check('https://ci.example.com/hooks/kiln').hostname).toBe('ci.example.com');
  });

  it('refuses everything when the allow-list is empty', () => {
    const policy = new OutboundPolicy([]);
    for (const url of ['http://127.0.0.1/', 'https://example.com/', 'http://[::1]/']) {
      const e = expectRefused(policy, url, 'no-match');
      expect(e.message).toContain('network.allow is empty');
    }
  });

  it('names the URL and the patterns when none matches', () => {
    const policy = new OutboundPolicy(['https://*.example.com']);
    const e = expectRefused(policy, 'https://example.org/hook', 'no-match');
    expect(e.message).toBe(
      'URL "https://example.org/hook" is not allowed: no network.allow pattern matches it (patterns: https://*.example.com)',
    );
    expect(e.details.url).toBe('https://example.org/hook');
  });

  it('refuses schemes other than http and https', () => {
    const policy = new OutboundPolicy(['http://127.0.0.1:*']);
    for (const url of [
      'ftp://127.0.0.1/',
      'file:///etc/passwd',
      'gopher://127.0.0.1:70/',
      'javascript:alert(1)',
    ]) {
      expect(expectRefused(policy, url, 'scheme').message).toMatch(/only http and https/);
    }
  });

  it('refuses credentials in the URL without repeating the password', () => {
    const policy = new OutboundPolicy(['http://127.0.0.1:*']);
    const e = expectRefused(policy, 'http://alice:hunter2@127.0.0.1:8080/', 'credentials');
    expect(e.message).not.toContain('hunter2');
    expect(JSON.stringify(e.details)).not.toContain('hunter2');
    expect(e.message).toContain('127.0.0.1:8080');
    expectRefused(policy, 'http://token@127.0.0.1/', 'credentials');
  });

  it('refuses text that is not an absolute URL', () => {
    expect(
      expectRefused(new OutboundPolicy(['http://127.0.0.1:*']), '/relative', 'invalid-url').message,
    ).toMatch(/not a valid absolute URL/);
  });

  it.each([
    'http://169.254.169.254/latest/meta-data/',
    'http://2852039166/',
    'http://0251.0376.0251.0376/',
    'http://0xa9.0xfe.0xa9.0xfe/',
    'http://0xa9fea9fe/',
    'http://169.254.43518/',
    'http://[::ffff:169.254.169.254]/',
    'http://[::ffff:a9fe:a9fe]/',
    'http://[::169.254.169.254]/',
    'http://[64:ff9b::a9fe:a9fe]/',
    'http://[fe80::1]/',
    'http://[fd00:ec2::254]/',
    'http://100.100.100.200/',
    'http://0.0.0.0/',
    'http://[::]/',
  ])('refuses the special address in %s even when a block or wildcard pattern covers it', (url) => {
    const policy = new OutboundPolicy(['http://[0.0.0.0/0]:*', 'http://[::/0]:*']);
    const e = expectRefused(policy, url, 'special-address');
    expect(e.message).toMatch(/only a pattern naming exactly this host allows it/);
  });

  it.each([
    'http://metadata.google.internal/computeMetadata/v1/',
    'http://METADATA.Google.Internal./',
    'http://metadata/',
  ])('refuses the metadata host name in %s unless listed exactly', (url) => {
    const wildcard = new OutboundPolicy(['http://*.google.internal', 'http://metadata.example']);
    expect(expectRefused(wildcard, url, 'special-address').message).toMatch(/cloud metadata host name/);
  });

  it('allows a special address or host name that a pattern names exactly', () => {
    const policy = new OutboundPolicy([
      'http://169.254.169.254/latest',
      'http://metadata.google.internal',
      'http://[fe80::1]:*',
    ]);
    expect(policy.check('http://169.254.169.254/latest/meta-data').hostname).toBe('169.254.169.254');
    expect(policy.check('http://2852039166/latest').hostname).toBe('169.254.169.254');
    expect(policy.check('http://metadata.google.internal/x').hostname).toBe('metadata.google.internal');
    expect(policy.check('http://[fe80::1]:9000/').hostname).toBe('[fe80::1]');
    // The exact pattern still limits scheme, port and path.
    expectRefused(policy, 'http://169.254.169.254/other', 'special-address');
    expectRefused(policy, 'http://169.254.169.253/latest', 'special-address');
  });

  it('names the bad pattern and its index when built', () => {
    const e = refusal(() => new OutboundPolicy(['http://127.0.0.1:*', 'ftp://x.example']));
    expect(e.code).toBe('CONFIG_INVALID');
    expect(e.message).toMatch(/^network\.allow\[1\]: the scheme must be http or https/);
  });
});

describe('OutboundPolicy.checkResolved', () => {
  it('returns every resolved address of an allowed host name', async () => {
    const lookup = tableLookup({ 'hooks.example.com': ['93.184.216.34', '2606:2800:220:1::1'] });
    const policy = new OutboundPolicy(['https://*.example.com'], { lookup });
    const target = await policy.checkResolved('https://hooks.example.com/kiln');
    expect(target.url.href).toBe('https://hooks.example.com/kiln');
    expect(target.addresses).toEqual([
      { address: '93.184.216.34', family: 4 },
      { address: '2606:2800:220:1::1', family: 6 },
    ]);
    expect(lookup.asked).toEqual(['hooks.example.com']);
  });

  it.each([
    [['93.184.216.34', '169.254.169.254']],
    [['::ffff:169.254.169.254']],
    [['fe80::1%eth0']],
    [['fd00:ec2::254']],
  ])('refuses a host name that resolves to a special address (%j)', async (addresses) => {
    const policy = new OutboundPolicy(['https://*.example.com'], {
      lookup: tableLookup({ 'rebind.example.com': addresses }),
    });
    const e = await asyncRefusal(policy.checkResolved('https://rebind.example.com/'));
    expect(e.code).toBe('URL_NOT_ALLOWED');
    expect(e.details.reason).toBe('resolves-to-special-address');
    expect(e.message).toContain('rebind.example.com resolves to');
  });

  it('allows the special answer when the host name or that address is listed exactly', async () => {
    const lookup = tableLookup({ 'meta.example.com': ['169.254.169.254'] });
    const byName = new OutboundPolicy(['https://meta.example.com'], { lookup });
    expect((await byName.checkResolved('https://meta.example.com/')).addresses).toEqual([
      { address: '169.254.169.254', family: 4 },
    ]);
    const byAddress = new OutboundPolicy(['https://*.example.com', 'https://169.254.169.254'], { lookup });
    expect((await byAddress.checkResolved('https://meta.example.com/')).addresses).toHaveLength(1);
    // An address listed for another port does not count.
    const otherPort = new OutboundPolicy(['https://*.example.com', 'https://169.254.169.254:8443'], {
      lookup,
    });
    expect((await asyncRefusal(otherPort.checkResolved('https://meta.example.com/'))).code).toBe(
      'URL_NOT_ALLOWED',
    );
  });

  it('does not resolve an IP-literal URL and returns its canonical address', async () => {
    const lookup = tableLookup({});
    const policy = new OutboundPolicy(['http://127.0.0.1:*'], { lookup });
    const target = await policy.checkResolved('http://[::ffff:127.0.0.1]:8080/');
    expect(target.addresses).toEqual([{ address: '127.0.0.1', family: 4 }]);
    expect(lookup.asked).toEqual([]);
  });

  it('refuses before resolving when the URL itself is refused', async () => {
    const lookup = tableLookup({ 'x.example.org': ['93.184.216.34'] });
    const policy = new OutboundPolicy(['https://*.example.com'], { lookup });
    expect((await asyncRefusal(policy.checkResolved('https://x.example.org/'))).details.reason).toBe(
      'no-match',
    );
    expect(lookup.asked).toEqual([]);
  });

  it('reports a name that does not resolve as UNAVAILABLE (worth retrying)', async () => {
    const policy = new OutboundPolicy(['https://*.example.com'], { lookup: tableLookup({}) });
    const e = await asyncRefusal(policy.checkResolved('https://gone.example.com/'));
    expect(e.code).toBe('UNAVAILABLE');
    expect(e.message).toMatch(/cannot resolve gone\.example\.com .*ENOTFOUND/);
  });

  it('resolves with the system resolver by default', async () => {
    const policy = new OutboundPolicy(['http://localhost:*']);
    const target = await policy.checkResolved('http://localhost:9/');
    expect(target.addresses.length).toBeGreaterThan(0);
    for (const a of target.addresses) expect(['127.0.0.1', '::1']).toContain(a.address);
  });
});
