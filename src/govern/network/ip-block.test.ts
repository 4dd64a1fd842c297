import { describe, expect, it } from 'vitest';
import { parseIp } from './ip-address.js';
import { blockContains, formatIpBlock, parseIpBlock } from './ip-block.js';

function block(text: string) {
  const b = parseIpBlock(text);
  if (typeof b === 'string') throw new Error(b);
  return b;
}

describe('parseIpBlock', () => {
  it('parses IPv4 and IPv6 blocks', () => {
    expect(formatIpBlock(block('10.0.0.0/8'))).toBe('10.0.0.0/8');
    expect(formatIpBlock(block('fe80::/10'))).toBe('fe80::/10');
    expect(formatIpBlock(block('0.0.0.0/0'))).toBe('0.0.0.0/0');
  });

  it('says what is wrong with a bad block', () => {
    expect(parseIpBlock('10.0.0.0')).toMatch(/address\/prefix-length/);
    expect(parseIpBlock('10.0.0/8')).toMatch(/not an IPv4 or IPv6 address/);
    expect(parseIpBlock('10.0.0.0/33')).toMatch(/0 to 32/);
    expect(parseIpBlock('::/129')).toMatch(/0 to 128/);
    expect(parseIpBlock('10.1.0.0/8')).toMatch(/host bits are set; did you mean 10\.0\.0\.0\/8/);
  });
});

describe('blockContains', () => {
  it('tests membership at the prefix boundary', () => {
    const b = block('169.254.0.0/16');
    expect(blockContains(b, parseIp('169.254.0.0')!)).toBe(true);
    expect(blockContains(b, parseIp('169.254.255.255')!)).toBe(true);
    expect(blockContains(b, parseIp('169.255.0.0')!)).toBe(false);
    expect(blockContains(b, parseIp('169.253.255.255')!)).toBe(false);
  });

  it('matches IPv6 blocks on non-octet boundaries', () => {
    const b = block('fe80::/10');
    expect(blockContains(b, parseIp('fe80::1')!)).toBe(true);
    expect(blockContains(b, parseIp('febf:ffff::1')!)).toBe(true);
    expect(blockContains(b, parseIp('fec0::1')!)).toBe(false);
  });

  it('never matches the other family', () => {
    expect(blockContains(block('0.0.0.0/0'), parseIp('::1')!)).toBe(false);
    expect(blockContains(block('::/0'), parseIp('127.0.0.1')!)).toBe(false);
  });
});
