/**
 * @module monitor/monitors/test-support/fraud-deployment
 * The fraud example as monitors need it, for tests: its pipeline run into `fraud_transactions@1`,
 * the model registered with its feature schema and that dataset as lineage, and deployed as
 * `fraud` with input logging on.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Actor, SYSTEM_ACTOR } from '../../../govern/auth/roles.js';
import { registerModelVersion } from '../../../registry/version-registration.js';
import type { TestKiln } from '../../../server/test-support/test-kiln.js';

export const FRAUD_DIR = new URL('../../../../examples/fraud/', import.meta.url).pathname;

export function fraudFeatureNames(): string[] {
  const schema = JSON.parse(readFileSync(join(FRAUD_DIR, 'features.json'), 'utf8')) as {
    columns: { name: string }[];
  };
  return schema.columns.map((c) => c.name);
}

export async function deployFraudExample(t: TestKiln, actor: Actor = SYSTEM_ACTOR): Promise<void> {
  const run = await t.kiln.pipelines.run(actor, { specPath: join(FRAUD_DIR, 'pipeline.yaml') });
  await registerModelVersion(
    t.kiln.registry,
    actor,
    'fraud',
    join(FRAUD_DIR, 'model.onnx'),
    {
      features: JSON.parse(readFileSync(join(FRAUD_DIR, 'features.json'), 'utf8')),
      lineage: { datasets: [run.dataset!.ref] },
    },
    { maxModelBytes: 1 << 26, inspectTimeoutMs: 30_000 },
  );
  await t.kiln.deployments.create(actor, { name: 'fraud', model: 'fraud@1', logInputs: true });
}
