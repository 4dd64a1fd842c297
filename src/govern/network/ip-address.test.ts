import { describe, expect, it } from 'vitest';
import { canonicalIp, embeddedIPv4, formatIp, parseIp, sameIp } from './ip-address.js';

// Expected values computed independently with Python's ipaddress module:
//   python3 -c "import ipaddress; print(hex(int(ipaddress.ip_address(a))), ipaddress.ip_address(a).compressed)"
const VECTORS: ReadonlyArray<[string, 4 | 6, bigint, string]> = [
  ['169.254.169.254', 4, 0xa9fea9fen, '169.254.169.254'],
  ['::', 6, 0n, '::'],
  ['::1', 6, 1n, '::1'],
  ['fe80::1', 6, 0xfe800000000000000000000000000001n, 'fe80::1'],
  ['fd00:ec2::254', 6, 0xfd000ec2000000000000000000000254n, 'fd00:ec2::254'],
  ['::ffff:169.254.169.254', 6, 0xffffa9fea9fen, '::ffff:a9fe:a9fe'],
  ['1:2:3:4:5:6:7.8.9.10', 6, 0x1000200030004000500060708090an, '1:2:3:4:5:6:708:90a'],
  ['2001:db8::8:800:200c:417a', 6, 0x20010db80000000000080800200c417an, '2001:db8::8:800:200c:417a'],
  ['64:ff9b::a9fe:a9fe', 6, 0x64ff9b0000000000000000a9fea9fen, '64:ff9b::a9fe:a9fe'],
  ['1::', 6, 0x10000000000000000000000000000n, '1::'],
  ['2001:0:0:1:0:0:0:1', 6, 0x20010000000000010000000000000001n, '2001:0:0:1::1'],
];

describe('parseIp / formatIp', () => {
  it.each(VECTORS)('%s', (text, family, value, formatted) => {
    const ip = parseIp(text);
    expect(ip).toEqual({ family, value });
    expect(formatIp(ip!)).toBe(formatted);
  });

  it('accepts a bracketed IPv6 address as a URL host shows it', () => {
    expect(parseIp('[::1]')).toEqual({ family: 6, value: 1n });
  });

  it.each(['example.com', '1.2.3', '01.2.3.4', '256.1.1.1', '1:2:3:4:5:6:7:8:9', 'fe80::1%eth0', ''])(
    'refuses %j',
    (text) => {
      expect(parseIp(text)).toBeNull();
    },
  );
});

describe('canonicalIp / embeddedIPv4', () => {
  it('turns an IPv4-mapped IPv6 address into the IPv4 address', () => {
    expect(canonicalIp(parseIp('::ffff:127.0.0.1')!)).toEqual(parseIp('127.0.0.1'));
    expect(canonicalIp(parseIp('::1')!)).toEqual(parseIp('::1'));
  });

  it('finds the IPv4 address inside mapped, compatible and NAT64 forms only', () => {
    const v4 = parseIp('169.254.169.254')!;
    for (const form of ['::ffff:a9fe:a9fe', '::169.254.169.254', '64:ff9b::169.254.169.254']) {
      expect(sameIp(embeddedIPv4(parseIp(form)!)!, v4)).toBe(true);
    }
    expect(embeddedIPv4(parseIp('::1')!)).toBeNull();
    expect(embeddedIPv4(parseIp('::')!)).toBeNull();
    expect(embeddedIPv4(parseIp('2001:db8::a9fe:a9fe')!)).toBeNull();
    expect(embeddedIPv4(v4)).toBeNull();
  });
});
