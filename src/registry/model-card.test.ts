import { describe, expect, it } from 'vitest';
import { KilnError } from '../core/errors.js';
import {
  applyModelCardEdit,
  composeModelCard,
  MAX_SECTION_BYTES,
  MODEL_CARD_SECTION_INFO,
  MODEL_CARD_SECTIONS,
  type ModelCard,
  parseModelCardEdit,
} from './model-card.js';
import type { ModelVersion } from './registry-types.js';

/** A READY version with everything Kiln can record filled in. */
function fullVersion(overrides: Partial<ModelVersion> = {}): ModelVersion {
  return {
    model: 'fraud',
    version: 3,
    status: 'READY',
    statusMessage: '',
    description: 'Gradient-boosted trees on transactions@3',
    digest: 'a'.repeat(64),
    sizeBytes: 1_572_864,
    signature: {
      inputs: [{ name: 'features', datatype: 'FP32', shape: [-1, 2] }],
      outputs: [
        { name: 'label', datatype: 'INT64', shape: [-1] },
        { name: 'probabilities', datatype: 'FP32', shape: [-1, 2] },
      ],
    },
    onnx: {
      irVersion: 8,
      opsets: [
        { domain: '', version: 17 },
        { domain: 'ai.onnx.ml', version: 3 },
      ],
      producerName: 'skl2onnx',
      producerVersion: '1.16.0',
    },
    featureSchema: {
      input: 'features',
      columns: [
        { name: 'amount', type: 'float32', description: 'Transaction amount in EUR' },
        { name: 'hour', type: 'float32' },
      ],
    },
    metrics: { auc: 0.93, f1: 0.71 },
    params: { n_estimators: '200', max_depth: '6' },
    lineage: { datasets: ['transactions@3', 'holdout@1'], run: 'run-42' },
    tags: { team: 'risk' },
    aliases: ['champion'],
    createdBy: 'alice',
    createdAt: '2025-03-01T10:00:00.000Z',
    updatedAt: '2025-03-01T10:00:00.000Z',
    ...overrides,
  };
}

const FRAUD_MODEL = { name: 'fraud', description: 'Flags fraudulent card transactions', owner: 'risk-team' };

function thrown(fn: () => unknown): KilnError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(KilnError);
    return e as KilnError;
  }
  throw new Error('expected a KilnError');
}

describe('model card sections', () => {
  it('has the nine sections of Mitchell et al. 2019, in order, each with a title and a prompt', () => {
    expect(MODEL_CARD_SECTIONS).toHaveLength(9);
    expect(MODEL_CARD_SECTIONS.map((s) => MODEL_CARD_SECTION_INFO[s].title)).toEqual([
      'Model Details',
      'Intended Use',
      'Factors',
      'Metrics',
      'Evaluation Data',
      'Training Data',
      'Quantitative Analyses',
      'Ethical Considerations',
      'Caveats and Recommendations',
    ]);
    for (const s of MODEL_CARD_SECTIONS) {
      expect(MODEL_CARD_SECTION_INFO[s].prompt).toMatch(/^[A-Z].{20,200}\.$/);
      expect(MODEL_CARD_SECTION_INFO[s].prompt).not.toContain('\n');
    }
  });
});

describe('parseModelCardEdit', () => {
  it('accepts strings and nulls for known sections', () => {
    expect(parseModelCardEdit({ intended_use: 'Scoring card payments.', factors: null })).toEqual({
      intended_use: 'Scoring card payments.',
      factors: null,
    });
    expect(parseModelCardEdit({})).toEqual({});
  });

  it('refuses an unknown section, naming it and listing the valid ones', () => {
    const e = thrown(() => parseModelCardEdit({ intended_use: 'x', limitations: 'y' }));
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.message).toContain('"limitations"');
    for (const s of MODEL_CARD_SECTIONS) expect(e.message).toContain(s);
    expect(e.details.field).toBe('card.limitations');
  });

  it('refuses a __proto__ key from JSON instead of touching the prototype', () => {
    const e = thrown(() => parseModelCardEdit(JSON.parse('{"__proto__": {"polluted": "yes"}}')));
    expect(e.message).toContain('"__proto__"');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses values that are not strings or null', () => {
    for (const bad of [42, true, ['a'], { text: 'a' }]) {
      const e = thrown(() => parseModelCardEdit({ metrics: bad }));
      expect(e.code).toBe('INVALID_ARGUMENT');
      expect(e.details.field).toBe('card.metrics');
    }
  });

  it('refuses non-objects', () => {
    for (const bad of [null, undefined, 'text', 3, ['intended_use']]) {
      expect(thrown(() => parseModelCardEdit(bad)).code).toBe('INVALID_ARGUMENT');
    }
  });

  it('limits a section to 64 KiB of UTF-8, counting bytes rather than characters', () => {
    expect(parseModelCardEdit({ factors: 'a'.repeat(MAX_SECTION_BYTES) }).factors).toHaveLength(
      MAX_SECTION_BYTES,
    );
    expect(
      thrown(() => parseModelCardEdit({ factors: 'a'.repeat(MAX_SECTION_BYTES + 1) })).message,
    ).toContain('65537');
    // "é" is two bytes: half as many characters already reach the limit
    expect(() => parseModelCardEdit({ factors: 'é'.repeat(MAX_SECTION_BYTES / 2) })).not.toThrow();
    expect(() => parseModelCardEdit({ factors: `${'é'.repeat(MAX_SECTION_BYTES / 2)}x` })).toThrow(/65537/);
  });
});

describe('applyModelCardEdit', () => {
  const card: ModelCard = { intended_use: 'Scoring.', factors: 'Country.' };

  it('sets, replaces and clears sections without changing the original card', () => {
    const next = applyModelCardEdit(card, { factors: null, metrics: 'AUC, because classes are imbalanced.' });
    expect(next).toEqual({ intended_use: 'Scoring.', metrics: 'AUC, because classes are imbalanced.' });
    expect(card).toEqual({ intended_use: 'Scoring.', factors: 'Country.' });
  });

  it('treats empty or blank text as clearing, and leaves sections the edit does not name', () => {
    expect(applyModelCardEdit(card, { intended_use: '  \n ' })).toEqual({ factors: 'Country.' });
    expect(applyModelCardEdit(card, { intended_use: undefined })).toEqual(card);
  });

  it('keeps sections in the canonical order', () => {
    const next = applyModelCardEdit({ caveats_and_recommendations: 'c' }, { model_details: 'm' });
    expect(Object.keys(next)).toEqual(['model_details', 'caveats_and_recommendations']);
  });
});

describe('composeModelCard', () => {
  it('lists all nine sections in order, marking unwritten ones with their prompt', () => {
    const composed = composeModelCard(fullVersion(), { intended_use: 'Card fraud.' }, FRAUD_MODEL);
    expect(composed.title).toBe('fraud version 3');
    expect(composed.sections.map((s) => s.key)).toEqual([...MODEL_CARD_SECTIONS]);
    expect(composed.sections[1]).toMatchObject({ key: 'intended_use', text: 'Card fraud.' });
    const factors = composed.sections[2]!;
    expect(factors.text).toBeNull();
    expect(factors.prompt).toBe(MODEL_CARD_SECTION_INFO.factors.prompt);
  });

  it('fills model details from the version and the model', () => {
    const details = composeModelCard(fullVersion(), {}, FRAUD_MODEL).sections[0]!;
    const fields = details.facts[0]!;
    expect(fields.kind).toBe('fields');
    const byLabel = Object.fromEntries(
      fields.kind === 'fields' ? fields.rows.map((r) => [r.label, r.value]) : [],
    );
    expect(byLabel).toMatchObject({
      Model: 'fraud',
      'Model description': 'Flags fraudulent card transactions',
      Version: '3',
      'Version description': 'Gradient-boosted trees on transactions@3',
      Status: 'READY',
      Owner: 'risk-team',
      'Created by': 'alice',
      'Created at': '2025-03-01T10:00:00.000Z',
      Aliases: 'champion',
      Tags: 'team=risk',
      'Artifact digest': `sha256:${'a'.repeat(64)}`,
      Size: '1572864 bytes (1.5 MiB)',
      'ONNX producer': 'skl2onnx 1.16.0',
      'ONNX IR version': '8',
      Opsets: 'ai.onnx 17, ai.onnx.ml 3',
    });
    const tables = details.facts.filter((f) => f.kind === 'table');
    expect(tables.map((t) => t.caption)).toEqual([
      'Inputs',
      'Outputs',
      'Feature columns (input features)',
      'Parameters',
    ]);
    expect(tables[0]!.rows).toEqual([['features', 'FP32', '[-1, 2]']]);
    expect(tables[1]!.rows).toEqual([
      ['label', 'INT64', '[-1]'],
      ['probabilities', 'FP32', '[-1, 2]'],
    ]);
    expect(tables[2]!.rows).toEqual([
      ['0', 'amount', 'float32', 'Transaction amount in EUR'],
      ['1', 'hour', 'float32', ''],
    ]);
    expect(tables[3]!.rows).toEqual([
      ['n_estimators', '200'],
      ['max_depth', '6'],
    ]);
  });

  it('puts the metrics in a table and lineage under both data sections', () => {
    const composed = composeModelCard(fullVersion(), {}, FRAUD_MODEL);
    const section = (key: string) => composed.sections.find((s) => s.key === key)!;
    expect(section('metrics').facts[0]).toEqual({
      kind: 'table',
      caption: 'Recorded metrics',
      columns: ['Metric', 'Value'],
      rows: [
        ['auc', '0.93'],
        ['f1', '0.71'],
      ],
    });
    const training = section('training_data').facts;
    expect(training[0]).toEqual({ kind: 'fields', rows: [{ label: 'Training run', value: 'run-42' }] });
    const datasets = [
      ['transactions', '3'],
      ['holdout', '1'],
    ];
    expect(training[1]).toMatchObject({ kind: 'table', rows: datasets });
    expect(section('evaluation_data').facts[0]).toMatchObject({ kind: 'table', rows: datasets });
  });

  it('still makes a useful card for a pending version with nothing recorded', () => {
    const pending = fullVersion({
      status: 'FAILED',
      statusMessage: 'not an ONNX model',
      description: '',
      digest: null,
      sizeBytes: null,
      signature: null,
      onnx: null,
      featureSchema: null,
      metrics: {},
      params: {},
      lineage: {},
      tags: {},
      aliases: [],
    });
    const composed = composeModelCard(pending, {}, { name: 'fraud', description: '', owner: '' });
    const details = composed.sections[0]!.facts;
    expect(details).toHaveLength(1);
    const labels = details[0]!.kind === 'fields' ? details[0]!.rows.map((r) => r.label) : [];
    expect(labels).toEqual(['Model', 'Version', 'Status', 'Created by', 'Created at']);
    expect(details[0]).toMatchObject({
      rows: expect.arrayContaining([{ label: 'Status', value: 'FAILED: not an ONNX model' }]),
    });
    expect(composed.sections[3]!.facts).toEqual([
      { kind: 'note', text: 'No metrics were recorded with this version.' },
    ]);
    expect(composed.sections[5]!.facts).toEqual([
      { kind: 'note', text: 'No lineage was recorded with this version.' },
    ]);
    expect(composed.sections.every((s) => s.text === null)).toBe(true);
  });

  it('shows a blank stored section as not yet written', () => {
    const composed = composeModelCard(fullVersion(), { factors: '   ' }, FRAUD_MODEL);
    expect(composed.sections[2]!.text).toBeNull();
  });
});
