/**
 * @module monitor/feedback/test-support/feedback-workspace
 * A workspace for the feedback CLI tests: initialised, with the deployment `fraud` (mlp_small,
 * score output `y`, threshold 0.5) and four logged requests `r-0`…`r-3` (scores 0.9, 0.2, 0.7,
 * 0.4, one per 30 minutes from 2026-03-01T00:00Z, each with the input `order_id` `o-<i>`).
 * Nothing stays open: the CLI under test opens the workspace itself.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { registerModelVersion } from '../../../registry/version-registration.js';
import { openKiln } from '../../../server/open-kiln.js';
import { initWorkspace } from '../../../workspace/init-workspace.js';
import { makeRecord, textTensor } from '../../inference-log/test-support/test-records.js';
import { writeLog } from './feedback-fixtures.js';

const MLP = new URL('../../../../test/fixtures/models/mlp_small.onnx', import.meta.url).pathname;

export const SCORES = [0.9, 0.2, 0.7, 0.4];

export async function createFeedbackWorkspace(): Promise<{ dir: string; adminToken: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'kiln-feedback-ws-'));
  const env = { KILN_LOG_LEVEL: 'silent' };
  const init = await initWorkspace(dir, env);
  const kiln = await openKiln({ workspaceDir: dir, env, logger: pino({ level: 'silent' }) });
  try {
    const actor = { name: 'dana', role: 'deployer' as const };
    await registerModelVersion(
      kiln.registry,
      actor,
      'fraud',
      MLP,
      {},
      {
        maxModelBytes: 1 << 26,
        inspectTimeoutMs: 30_000,
      },
    );
    await kiln.deployments.create(actor, {
      name: 'fraud',
      model: 'fraud@1',
      workers: 0,
      scoreOutput: 'y',
      threshold: 0.5,
    });
  } finally {
    await kiln.close();
  }
  await writeLog(
    dir,
    SCORES.map((score, i) =>
      makeRecord({
        requestId: `r-${i}`,
        deployment: 'fraud',
        model: 'fraud',
        version: 1,
        receivedAt: new Date(Date.parse('2026-03-01T00:00:00Z') + i * 1_800_000),
        inputs: [textTensor('order_id', [`o-${i}`])],
        outputs: [{ name: 'y', datatype: 'FP32', shape: [1, 1], data: new Float32Array([score]) }],
      }),
    ),
    '2026-03-01T03:00:00.000Z',
  );
  return { dir, adminToken: init.adminToken };
}
