import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { KilnError } from '../../core/errors.js';
import { kilnProducer, readKilnVersion } from './kiln-producer.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('kilnProducer', () => {
  it('points at the release tag of the version', () => {
    expect(kilnProducer('0.1.0')).toBe('https://github.com/kiln-ml/kiln/tree/v0.1.0');
    expect(kilnProducer('1.2.3-rc.1')).toBe('https://github.com/kiln-ml/kiln/tree/v1.2.3-rc.1');
  });

  it('refuses a string that is not a version', () => {
    expect(() => kilnProducer('latest')).toThrow(KilnError);
  });
});

describe('readKilnVersion', () => {
  it("reads Kiln's own package.json", () => {
    const pkg = JSON.parse(
      readFileSync(fileURLToPath(new URL('../../../package.json', import.meta.url)), 'utf8'),
    ) as { version: string };
    expect(readKilnVersion()).toBe(pkg.version);
  });

  it('skips package.json files of other packages on the way up', () => {
    const root = mkdtempSync(join(tmpdir(), 'kiln-producer-'));
    dirs.push(root);
    writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'kiln-ml', version: '9.8.7' }));
    mkdirSync(join(root, 'node_modules', 'other', 'lib'), { recursive: true });
    writeFileSync(
      join(root, 'node_modules', 'other', 'package.json'),
      JSON.stringify({ name: 'x', version: '1.0.0' }),
    );
    expect(readKilnVersion(join(root, 'node_modules', 'other', 'lib'))).toBe('9.8.7');
  });

  it('is INTERNAL when there is no Kiln package.json above', () => {
    const root = mkdtempSync(join(tmpdir(), 'kiln-producer-none-'));
    dirs.push(root);
    expect(() => readKilnVersion(root)).toThrow(/no package.json named "kiln-ml"/);
  });
});
