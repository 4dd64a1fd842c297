import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { digestFile, firstInvalidByte } from './file-digest.js';

const dir = mkdtempSync(join(tmpdir(), 'kiln-digest-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('digestFile', () => {
  it('streams a large file: digest and size match node:crypto on the whole buffer', async () => {
    // 3 MB of multi-byte text, so chunk boundaries fall inside characters
    const text = 'é€😀x\n'.repeat(300_000);
    const path = join(dir, 'big.txt');
    writeFileSync(path, text);
    const d = await digestFile(path, { checkUtf8: true });
    const buf = Buffer.from(text);
    expect(d.sha256).toBe(createHash('sha256').update(buf).digest('hex'));
    expect(d.bytes).toBe(buf.length);
    expect(d.invalidUtf8).toBeUndefined();
  });

  it('reports the offset and line of the first invalid byte', async () => {
    const path = join(dir, 'latin1.csv');
    writeFileSync(
      path,
      Buffer.concat([Buffer.from('a,b\n1,2\n3,caf'), Buffer.from([0xe9]), Buffer.from('\n')]),
    );
    const d = await digestFile(path, { checkUtf8: true });
    expect(d.invalidUtf8).toEqual({ offset: 13, line: 3 });
    // without the check, no verdict
    expect((await digestFile(path)).invalidUtf8).toBeUndefined();
  });

  it('a file cut inside a multi-byte character is invalid', async () => {
    const path = join(dir, 'cut.txt');
    writeFileSync(path, Buffer.from([0x61, 0xe2, 0x82]));
    expect((await digestFile(path, { checkUtf8: true })).invalidUtf8).toEqual({ offset: 1, line: 1 });
  });

  it('firstInvalidByte refuses overlongs and surrogates and agrees with TextDecoder', () => {
    expect(firstInvalidByte(Buffer.from([0xc0, 0x80]))).toBe(0);
    expect(firstInvalidByte(Buffer.from([0x41, 0xed, 0xa0, 0x80]))).toBe(1);
    expect(firstInvalidByte(Buffer.from('ok €'))).toBe(6);
    const decoder = new TextDecoder('utf-8', { fatal: true });
    for (let seed = 1; seed < 300; seed++) {
      const bytes = Buffer.from(Array.from({ length: 8 }, (_, i) => (seed * 37 + i * 101) % 256));
      let valid = true;
      try {
        decoder.decode(bytes);
      } catch {
        valid = false;
      }
      expect(firstInvalidByte(bytes) === bytes.length).toBe(valid);
    }
  });
});
