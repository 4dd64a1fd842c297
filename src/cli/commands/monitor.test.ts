/**
 * `kiln monitor …` through runCli on a workspace with a served deployment: create, list, show,
 * run (an empty window), runs, history, report (none yet → a clear error), delete, bad flags.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deployFraudExample } from '../../monitor/monitors/test-support/fraud-deployment.js';
import { createTestKiln, type TestKiln } from '../../server/test-support/test-kiln.js';
import { runCli } from '../run-cli.js';

let t: TestKiln;

beforeAll(async () => {
  t = await createTestKiln();
  await deployFraudExample(t);
});
afterAll(() => t.close());

async function kiln(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(['--workspace', t.dir, ...argv], {
    env: { KILN_LOG_LEVEL: 'silent' },
    cwd: t.dir,
    stdout: (s) => {
      stdout += s;
    },
    stderr: (s) => {
      stderr += s;
    },
  });
  return { code, stdout, stderr };
}

describe('kiln monitor', () => {
  it('creates, lists, shows, runs and deletes a monitor', async () => {
    const created = await kiln(
      'monitor',
      'create',
      'fraud-drift',
      '--deployment',
      'fraud',
      '--window',
      '1h',
      '--schedule',
      '*/5 * * * *',
      '--alert',
      'drift_share>0.5',
      '--alert',
      'sigma:amount',
      '--test',
      'amount=psi',
    );
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toContain('created monitor fraud-drift on fraud');
    expect((await kiln('monitor', 'list')).stdout).toContain('(lineage)');
    const run = await kiln('--json', 'monitor', 'run', 'fraud-drift');
    expect(JSON.parse(run.stdout)).toMatchObject({ status: 'EMPTY_WINDOW', rows: 0 });
    const show = await kiln('monitor', 'show', 'fraud-drift');
    expect(show.stdout).toContain('EMPTY_WINDOW');
    expect(show.stdout).toContain('*/5 * * * *');
    expect((await kiln('--json', 'monitor', 'runs', 'fraud-drift')).stdout).toContain('EMPTY_WINDOW');
    const history = JSON.parse(
      (await kiln('--json', 'monitor', 'history', 'fraud-drift', '--metric', 'rows')).stdout,
    );
    expect(history.points).toHaveLength(1);
    const report = await kiln('monitor', 'report', 'fraud-drift');
    expect(report.code).toBe(1);
    expect(report.stderr).toContain('no run with a report');
    expect((await kiln('monitor', 'delete', 'fraud-drift')).code).toBe(0);
    expect((await kiln('monitor', 'show', 'fraud-drift')).stderr).toContain('MONITOR_NOT_FOUND');
  });

  it('names the bad flag', async () => {
    const r = await kiln('monitor', 'create', 'x', '--deployment', 'fraud', '--alert', 'when it rains');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('alerts[0]');
    const s = await kiln('monitor', 'create', 'y', '--deployment', 'ghost');
    expect(s.stderr).toContain('DEPLOYMENT_NOT_FOUND');
  });
});
