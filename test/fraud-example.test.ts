/**
 * The bundled fraud example (examples/fraud, made by train.py) must load in ONNX Runtime, pass the
 * registry's inspection, agree with its feature schema, and rank the demo rows far better than chance.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectModelFile } from '../src/registry/onnx/inspect-model.js';

const dir = new URL('../examples/fraud/', import.meta.url);
const modelPath = fileURLToPath(new URL('model.onnx', dir));
const schema = JSON.parse(readFileSync(new URL('features.json', dir), 'utf8')) as {
  input: string;
  columns: { name: string; type: string; description: string }[];
};
const metrics = JSON.parse(readFileSync(new URL('metrics.json', dir), 'utf8')) as Record<string, number>;

function readSample(): { header: string[]; rows: string[][] } {
  const [header, ...rows] = readFileSync(new URL('sample.csv', dir), 'utf8')
    .trim()
    .split('\n')
    .map((line) => line.split(','));
  return { header, rows };
}

/** ROC AUC as the Mann-Whitney statistic: the share of (fraud, legit) pairs ranked right, ties half. */
function auc(labels: number[], scores: number[]): number {
  let right = 0;
  let pairs = 0;
  labels.forEach((yi, i) => {
    if (yi !== 1) return;
    labels.forEach((yj, j) => {
      if (yj !== 0) return;
      pairs++;
      right += scores[i] > scores[j] ? 1 : scores[i] === scores[j] ? 0.5 : 0;
    });
  });
  return right / pairs;
}

describe('examples/fraud', () => {
  let session: InferenceSession;
  beforeAll(async () => {
    session = await InferenceSession.create(modelPath);
  });
  afterAll(async () => {
    await session?.release();
  });

  it('takes [n, F] float32 features and returns [n, 1] probabilities', () => {
    const F = schema.columns.length;
    expect(F).toBeGreaterThanOrEqual(10);
    expect(session.inputMetadata).toEqual([
      { name: 'features', isTensor: true, type: 'float32', shape: ['batch', F] },
    ]);
    expect(session.outputMetadata).toEqual([
      { name: 'probability', isTensor: true, type: 'float32', shape: ['batch', 1] },
    ]);
    expect(schema.input).toBe('features');
    expect(schema.columns.every((c) => c.type === 'float32' && c.description.length > 0)).toBe(true);
  });

  it('is accepted by the registry’s model inspection', async () => {
    const inspection = await inspectModelFile(modelPath, { maxBytes: 1024 * 1024, timeoutMs: 20_000 });
    expect(inspection.signature.inputs).toEqual([
      { name: 'features', datatype: 'FP32', shape: [-1, schema.columns.length], dimNames: ['batch', null] },
    ]);
    expect(inspection.info.metadata.features).toBe(schema.columns.map((c) => c.name).join(','));
  });

  it('scores sample.csv with probabilities in [0, 1] and an AUC well above chance', async () => {
    const { header, rows } = readSample();
    expect(rows).toHaveLength(200);
    const names = schema.columns.map((c) => c.name);
    expect(header).toEqual(['transaction_id', ...names, 'is_fraud']);
    const data = Float32Array.from(rows.flatMap((r) => names.map((_, i) => Number(r[i + 1]))));
    expect(data.every(Number.isFinite)).toBe(true);
    const out = await session.run({ features: new Tensor('float32', data, [rows.length, names.length]) });
    const probability = out.probability;
    expect(probability.dims).toEqual([rows.length, 1]);
    const scores = Array.from(probability.data as Float32Array);
    expect(scores.every((p) => p >= 0 && p <= 1)).toBe(true);
    const labels = rows.map((r) => Number(r[r.length - 1]));
    expect(labels.filter((y) => y === 1)).toHaveLength(20);
    const sampleAuc = auc(labels, scores);
    expect(sampleAuc).toBeGreaterThan(0.75);
    // metrics.json was measured on the whole held-out split; the sample is drawn from it
    expect(metrics.auc).toBeGreaterThan(0.75);
    expect(metrics.fraud_rate).toBeGreaterThan(0.02);
    expect(metrics.fraud_rate).toBeLessThan(0.05);
  });

  it('gives one row the same probability alone as in a batch', async () => {
    const { rows } = readSample();
    const F = schema.columns.length;
    const row = Float32Array.from(rows[0].slice(1, F + 1).map(Number));
    const alone = await session.run({ features: new Tensor('float32', row, [1, F]) });
    const batch = await session.run({
      features: new Tensor('float32', Float32Array.from([...row, ...row, ...row]), [3, F]),
    });
    const p = (alone.probability.data as Float32Array)[0];
    expect(Array.from(batch.probability.data as Float32Array).every((q) => Math.abs(q - p) < 1e-6)).toBe(
      true,
    );
  });
});
