import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatIp, parseIp } from './ip-address.js';
import {
  METADATA_HOSTNAMES,
  specialAddressReason,
  specialBlocks,
  specialHostnameReason,
} from './special-addresses.js';

function reasonFor(text: string): string | null {
  return specialAddressReason(parseIp(text)!);
}

describe('specialAddressReason', () => {
  it('names link-local and metadata addresses', () => {
    expect(reasonFor('169.254.169.254')).toMatch(/link-local/);
    expect(reasonFor('fe80::abcd')).toMatch(/IPv6 link-local/);
    expect(reasonFor('fd00:ec2::254')).toMatch(/AWS/);
    expect(reasonFor('100.100.100.200')).toMatch(/Alibaba/);
    expect(reasonFor('0.0.0.0')).toMatch(/this host/);
  });

  it('sees a special IPv4 address through the IPv6 forms that embed it', () => {
    for (const form of ['::ffff:169.254.169.254', '::169.254.169.254', '64:ff9b::169.254.169.254']) {
      expect(reasonFor(form)).toMatch(/link-local/);
    }
  });

  it('leaves ordinary, loopback and private addresses alone', () => {
    for (const text of [
      '127.0.0.1',
      '::1',
      '10.0.0.1',
      '192.168.1.1',
      '93.184.216.34',
      '2001:db8::1',
      'fd00:ec2::253',
    ]) {
      expect(reasonFor(text)).toBeNull();
    }
  });
});

describe('specialHostnameReason', () => {
  it('recognises metadata host names in any case, with a trailing dot', () => {
    expect(specialHostnameReason('Metadata.Google.Internal.')).toMatch(
      /metadata host name \(metadata\.google\.internal\)/,
    );
    expect(specialHostnameReason('instance-data')).not.toBeNull();
    expect(specialHostnameReason('metadata.example.com')).toBeNull();
  });
});

describe('docs/network-allow-list.md', () => {
  it('lists every special address block and host name', () => {
    const page = readFileSync(new URL('../../../docs/network-allow-list.md', import.meta.url), 'utf8');
    for (const block of specialBlocks()) {
      const full = block.prefixLength === (block.network.family === 4 ? 32 : 128);
      const shown = full ? formatIp(block.network) : `${formatIp(block.network)}/${block.prefixLength}`;
      expect(page).toContain(`| \`${shown}\``);
    }
    for (const name of METADATA_HOSTNAMES) expect(page).toContain(`\`${name}\``);
  });
});
