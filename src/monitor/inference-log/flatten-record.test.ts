import { describe, expect, it } from 'vitest';
import { flattenRecord, halfToFloat } from './flatten-record.js';
import { fakeHash, logSettings, makeRecord, tensor2d, textTensor } from './test-support/test-records.js';

const byName = (r: ReturnType<typeof flattenRecord>) => Object.fromEntries(r.columns.map((c) => [c.name, c]));

describe('flattenRecord', () => {
  it('names a 2-D input by the feature schema: one column per feature, one row per batch row', () => {
    const r = flattenRecord(
      makeRecord(),
      logSettings({ featureNames: { features: ['amount', 'hour', 'risk'] } }),
      fakeHash,
    );
    expect(r.rows).toBe(2);
    expect(r.columns.map((c) => [c.name, c.type, c.role])).toEqual([
      ['amount', 'FLOAT', 'input'],
      ['hour', 'FLOAT', 'input'],
      ['risk', 'FLOAT', 'input'],
      ['probability', 'FLOAT', 'output'],
    ]);
    expect(byName(r).amount?.values).toEqual([1.5, 4]);
    expect(byName(r).risk?.values).toEqual([3, 6.25]);
    expect(byName(r).probability?.values).toEqual([0.25, 0.75]);
    expect(r).toMatchObject({
      requestId: 'req-1',
      deployment: 'fraud',
      model: 'fraud',
      version: 3,
      receivedAtMs: Date.parse('2026-03-01T10:00:00.250Z'),
      latencyMs: 4,
      queueMs: 1,
      computeMs: 2,
      subjects: null,
    });
  });

  it('names columns <tensor>_<i> without a schema (or when the schema has another width), outputs likewise', () => {
    const record = makeRecord({
      outputs: [
        { name: 'scores', datatype: 'FP64', shape: [2, 2], data: new Float64Array([0.1, 0.9, 0.8, 0.2]) },
      ],
    });
    for (const featureNames of [{}, { features: ['a', 'b'] }] as Record<string, string[]>[]) {
      const r = flattenRecord(record, logSettings({ featureNames }), fakeHash);
      expect(r.columns.map((c) => c.name)).toEqual([
        'features_0',
        'features_1',
        'features_2',
        'scores_0',
        'scores_1',
      ]);
      expect(byName(r).scores_1?.values).toEqual([0.9, 0.2]);
      expect(byName(r).scores_1?.type).toBe('DOUBLE');
    }
  });

  it('logs a [batch] output and a [batch, 1] output under the tensor name; BYTES as VARCHAR', () => {
    const r = flattenRecord(
      makeRecord({
        inputs: [textTensor('TEXT', ['a', 'b'])],
        outputs: [
          textTensor('TEXT_OUT', ['A', 'B']),
          { name: 'label', datatype: 'INT64', shape: [2, 1], data: new BigInt64Array([1n, 0n]) },
        ],
      }),
      logSettings(),
      fakeHash,
    );
    expect(r.columns.map((c) => [c.name, c.type])).toEqual([
      ['TEXT', 'VARCHAR'],
      ['TEXT_OUT', 'VARCHAR'],
      ['label', 'BIGINT'],
    ]);
    expect(byName(r).label?.values).toEqual([1n, 0n]);
  });

  it('converts BOOL to booleans and FP16 bits to numbers', () => {
    const r = flattenRecord(
      makeRecord({
        inputs: [
          { name: 'flag', datatype: 'BOOL', shape: [3], data: new Uint8Array([1, 0, 1]) },
          { name: 'half', datatype: 'FP16', shape: [3], data: new Uint16Array([0x3c00, 0xc000, 0x3555]) },
        ],
        outputs: [],
      }),
      logSettings(),
      fakeHash,
    );
    expect(byName(r).flag?.values).toEqual([true, false, true]);
    expect(byName(r).half?.values[0]).toBe(1);
    expect(byName(r).half?.values[1]).toBe(-2);
    // 0x3555 is the half closest to 1/3: 0.333251953125.
    expect(byName(r).half?.values[2]).toBe(0.333251953125);
    expect(halfToFloat(0x7c00)).toBe(Number.POSITIVE_INFINITY);
    expect(halfToFloat(0x0001)).toBe(2 ** -24);
  });

  it('drops PII columns in drop mode: by column name and by tensor name', () => {
    const record = makeRecord({
      inputs: [tensor2d('features', [[1, 2, 3]]), textTensor('email', ['alice@example.com'])],
      outputs: [{ name: 'probability', datatype: 'FP32', shape: [1], data: new Float32Array([0.5]) }],
    });
    const r = flattenRecord(
      record,
      logSettings({
        pii: ['hour', 'email'],
        piiMode: 'drop',
        featureNames: { features: ['amount', 'hour', 'risk'] },
      }),
      fakeHash,
    );
    expect(r.columns.map((c) => c.name)).toEqual(['amount', 'risk', 'probability']);
    expect(JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? String(v) : v))).not.toContain(
      'alice@example.com',
    );
    const whole = flattenRecord(record, logSettings({ pii: ['features'], piiMode: 'drop' }), fakeHash);
    expect(whole.columns.map((c) => c.name)).toEqual(['email', 'probability']);
  });

  it('hashes PII columns in hash mode (as VARCHAR, over the value text) and keeps the others', () => {
    const r = flattenRecord(
      makeRecord({
        inputs: [textTensor('email', ['alice@example.com', 'bob@example.com']), tensor2d('x', [[7], [8]])],
        outputs: [],
      }),
      logSettings({ pii: ['email', 'x'] }),
      fakeHash,
    );
    expect(r.columns.map((c) => [c.name, c.type, c.values])).toEqual([
      ['email', 'VARCHAR', ['h(alice@example.com)', 'h(bob@example.com)']],
      ['x', 'VARCHAR', ['h(7)', 'h(8)']],
    ]);
  });

  it('fills subject_id from the subject key, hashed when it is PII even in drop mode', () => {
    const record = makeRecord({
      inputs: [textTensor('customer_id', ['c-1', 'c-2']), tensor2d('x', [[1], [2]])],
      outputs: [],
    });
    const plain = flattenRecord(record, logSettings({ subjectKey: 'customer_id' }), fakeHash);
    expect(plain.subjects).toEqual(['c-1', 'c-2']);
    const dropped = flattenRecord(
      record,
      logSettings({ subjectKey: 'customer_id', pii: ['customer_id'], piiMode: 'drop' }),
      fakeHash,
    );
    expect(dropped.subjects).toEqual(['h(c-1)', 'h(c-2)']);
    expect(dropped.columns.map((c) => c.name)).toEqual(['x']);
    const missing = flattenRecord(record, logSettings({ subjectKey: 'nope' }), fakeHash);
    expect(missing.subjects).toBeNull();
  });

  it('logs a tensor whose first dimension is not the batch as one JSON column, treated as PII by any inner name', () => {
    const record = makeRecord({
      inputs: [
        tensor2d('x', [[1], [2]]),
        { name: 'ctx', datatype: 'INT64', shape: [3], data: new BigInt64Array([1n, 2n, 3n]) },
      ],
      outputs: [],
    });
    const r = flattenRecord(record, logSettings(), fakeHash);
    expect(byName(r).ctx?.values).toEqual([
      '{"shape":[3],"data":["1","2","3"]}',
      '{"shape":[3],"data":["1","2","3"]}',
    ]);
    const hidden = flattenRecord(record, logSettings({ pii: ['ctx_1'], piiMode: 'drop' }), fakeHash);
    expect(hidden.columns.map((c) => c.name)).toEqual(['x']);
  });

  it('renames a tensor column that collides with a fixed column or an earlier column', () => {
    const r = flattenRecord(
      makeRecord({
        inputs: [textTensor('request_id', ['x']), textTensor('p', ['1'])],
        outputs: [textTensor('p', ['2'])],
      }),
      logSettings({ pii: ['p'], piiMode: 'hash' }),
      fakeHash,
    );
    expect(r.columns.map((c) => [c.name, c.role, c.values])).toEqual([
      ['request_id_2', 'input', ['x']],
      ['p', 'input', ['h(1)']],
      ['p_2', 'output', ['h(2)']],
    ]);
  });
});

describe('flattenRecord with awkward tensor names', () => {
  it('treats a tensor named like an Object.prototype member as a plain tensor', () => {
    const r = flattenRecord(
      makeRecord({ inputs: [textTensor('constructor', ['x'])], outputs: [textTensor('toString', ['y'])] }),
      logSettings(),
      fakeHash,
    );
    expect(r.columns.map((c) => [c.name, c.values])).toEqual([
      ['constructor', ['x']],
      ['toString', ['y']],
    ]);
  });
});
