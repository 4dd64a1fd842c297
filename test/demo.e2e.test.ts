/**
 * `npm start` runs `kiln demo`: a demo workspace with the bundled model registered and aliased,
 * reused on a rerun, then the server with what to try next.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runKiln, runKilnJson, spawnKiln, stopProcess, waitUntil } from './support/run-kiln.js';

describe('kiln demo (npm start)', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'kiln-demo-'));
  afterAll(() => rmSync(cwd, { recursive: true, force: true }));

  it('prepares .kiln-demo with the fraud model as champion, and reuses it on a rerun', async () => {
    const first = await runKiln(['demo', '--no-serve'], { cwd, timeoutMs: 60_000 });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('fraud@1');
    const second = await runKiln(['demo', '--no-serve'], { cwd, timeoutMs: 60_000 });
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain('fraud@1');
    const versions = await runKilnJson<{ items: { version: number; aliases: string[]; status: string }[] }>(
      ['--workspace', '.kiln-demo', 'models', 'versions', 'fraud'],
      { cwd },
    );
    expect(versions.items.map((v) => [v.version, v.status, v.aliases])).toEqual([[1, 'READY', ['champion']]]);
    expect(first.stderr).toContain('dataset fraud_transactions@1');
    expect(second.stderr).toContain('dataset fraud_transactions@1');
    const data = await runKilnJson<{ versions: { ref: string; validation: { success: boolean } }[] }>(
      ['--workspace', '.kiln-demo', 'data', 'versions', 'fraud_transactions'],
      { cwd },
    );
    expect(data.versions.map((v) => [v.ref, v.validation.success])).toEqual([['fraud_transactions@1', true]]);
    const model = await runKilnJson<{ lineage: { datasets: string[] } }>(
      ['--workspace', '.kiln-demo', 'models', 'show', 'fraud@1'],
      { cwd },
    );
    expect(model.lineage.datasets).toEqual(['fraud_transactions@1']);
  });

  it('serves on the requested port and prints what to try next', async () => {
    const proc = spawnKiln(['demo', '--port', '0', '--grpc-port', '0'], { cwd, timeoutMs: 60_000 });
    try {
      const url = await waitUntil(
        () => /Kiln is running on (http:\/\/127\.0\.0\.1:\d+)/.exec(proc.stdout())?.[1],
        'the demo URL',
        60_000,
      );
      expect(url).not.toContain(':8080');
      expect(proc.stdout()).toContain('npx kiln models list');
      const health = await fetch(`${url}/api/v1/health`);
      expect(health.status).toBe(200);
    } finally {
      const exit = await stopProcess(proc);
      expect(exit.code).toBe(0);
    }
  });
});
