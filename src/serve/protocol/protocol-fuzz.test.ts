/**
 * Fuzzes every protocol decoder with garbage: random bytes, random JSON values, mutated valid
 * requests and nesting 10,000 levels deep. Each input must either decode or throw a KilnError —
 * never a TypeError, RangeError (stack overflow, bad array length) or anything else. Seeded, so a
 * failure reproduces; the failing input is printed.
 */
import { describe, expect, it } from 'vitest';
import { KilnError } from '../../core/errors.js';
import type { ModelSignature } from '../../registry/onnx/model-signature.js';
import { readInferenceHeaderLength } from './binary-extension.js';
import { decodeTensorBytes, encodeTensorBytes } from './binary-tensor.js';
import type { ProtocolLimits } from './infer-types.js';
import { parseJsonBody } from './json-body.js';
import { decodeJsonTensor } from './json-tensor.js';
import { decodeRawBinaryRequest } from './raw-binary-request.js';
import { decodeInferRequest } from './request-decoder.js';
import { chooseBinaryOutputs, encodeInferResponse } from './response-encoder.js';
import { checkAgainstSignature } from './signature-check.js';
import {
  DATATYPES,
  deepArray,
  deepObject,
  deepText,
  mutate,
  nearlyValidRequest,
  randomShape,
  randomValue,
  rng,
  spec,
} from './test-support/fuzz-inputs.js';
import { binaryRequest } from './test-support/wire.js';

const RUNS = 1000;
const limits: ProtocolLimits = { maxElements: 4096 };

/** Runs `fn`; anything thrown must be a KilnError. Returns whether it decoded. */
function decodesOrKilnError(fn: () => unknown, input: () => string): boolean {
  try {
    fn();
    return true;
  } catch (e) {
    if (!(e instanceof KilnError)) {
      throw new Error(
        `threw ${(e as Error)?.constructor?.name}: ${(e as Error)?.message} for input ${input().slice(0, 500)}`,
        { cause: e },
      );
    }
    return false;
  }
}

const show = (v: unknown) => () => {
  try {
    return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? `${x}n` : x)) ?? String(v);
  } catch {
    return '(unprintable)';
  }
};

/** Counts outcomes so a fuzz run that only ever fails (or only passes) is noticed. */
function tally() {
  const t = { ok: 0, refused: 0 };
  return { t, add: (ok: boolean) => (ok ? t.ok++ : t.refused++) };
}

const deepInputs = [
  deepArray(10_000),
  deepObject(10_000),
  { inputs: deepArray(10_000) },
  { inputs: [{ name: 'a', datatype: 'FP32', shape: [1], data: deepArray(10_000) }] },
  { inputs: [{ name: 'a', datatype: 'FP32', shape: new Array(10_000).fill(1), data: deepArray(9_999, 1) }] },
  { inputs: [{ name: 'a', datatype: 'FP32', shape: [1], data: [1], parameters: deepObject(10_000) }] },
  {
    inputs: [{ name: 'a', datatype: 'FP32', shape: [1], data: [1] }],
    outputs: deepArray(10_000),
    parameters: { p: deepArray(10_000) },
  },
];

describe('protocol decoders under fuzzing', () => {
  it('decodeInferRequest: random JSON values, as objects and as bytes', () => {
    const r = rng(1);
    const { t, add } = tally();
    for (let i = 0; i < RUNS; i++) {
      const v = r.next() < 0.6 ? nearlyValidRequest(r) : randomValue(r, 5);
      add(decodesOrKilnError(() => decodeInferRequest(v, {}, { limits }), show(v)));
      const text = JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? Number(x) : x)) ?? 'null';
      add(
        decodesOrKilnError(
          () => decodeInferRequest(Buffer.from(text), {}, { limits }),
          () => text,
        ),
      );
    }
    expect(t.ok).toBeGreaterThan(50);
    expect(t.refused).toBeGreaterThan(50);
  });

  it('decodeInferRequest: random and mutated bytes, with and without the binary header', () => {
    const r = rng(2);
    const { t, add } = tally();
    const signature: ModelSignature = { inputs: [spec('x', 'FP32', [-1, 2])], outputs: [] };
    for (let i = 0; i < RUNS; i++) {
      let body: Buffer;
      let headers: Record<string, string> = {};
      const mode = r.int(3);
      if (mode === 0) {
        body = Buffer.from(Array.from({ length: r.int(64) }, () => r.int(256)));
      } else {
        const req = nearlyValidRequest(r);
        if (!Array.isArray(req.inputs)) req.inputs = [{}]; // the generator broke `inputs` itself
        const inputs = req.inputs as Record<string, unknown>[];
        let blob = Buffer.from(Array.from({ length: r.int(40) }, () => r.int(256)));
        if (r.next() < 0.7) {
          try {
            blob = Buffer.from(encodeTensorBytes(decodeJsonTensor(inputs[0], 0, limits).tensor));
          } catch {
            // the entry itself is broken: keep the random blob
          }
        }
        inputs[0] = {
          ...inputs[0],
          data: undefined,
          parameters: { binary_data_size: r.next() < 0.8 ? blob.length : r.int(50) },
        };
        ({ body, headers } = binaryRequest(req, [blob]));
        if (mode === 2) body = mutate(body, r);
      }
      if (r.next() < 0.3)
        headers = {
          'inference-header-content-length': String(
            r.pick(['0', '-1', 'x', '3', '99999', String(body.length)]),
          ),
        };
      add(
        decodesOrKilnError(
          () => decodeInferRequest(body, headers, { signature, limits }),
          () => body.toString('hex'),
        ),
      );
    }
    expect(t.ok).toBeGreaterThan(20);
    expect(t.refused).toBeGreaterThan(50);
  });

  it('decodeInferRequest: nesting 10,000 levels deep, as objects and as text', () => {
    for (const v of deepInputs) {
      expect(
        decodesOrKilnError(
          () => decodeInferRequest(v, {}, { limits }),
          () => 'deep object',
        ),
      ).toBeTypeOf('boolean');
      const text = deepText(v);
      expect(
        decodesOrKilnError(
          () => decodeInferRequest(Buffer.from(text), {}, { limits }),
          () => text.slice(0, 100),
        ),
      ).toBeTypeOf('boolean');
    }
    for (const text of [
      '['.repeat(10_000),
      '{"a":'.repeat(10_000),
      `${'['.repeat(10_000)}99999999999999999999`,
    ]) {
      expect(
        decodesOrKilnError(
          () => decodeInferRequest(Buffer.from(text), {}),
          () => text.slice(0, 40),
        ),
      ).toBe(false);
    }
  });

  it('decodeJsonTensor: random entries', () => {
    const r = rng(3);
    const { t, add } = tally();
    for (let i = 0; i < RUNS; i++) {
      const v = r.next() < 0.5 ? (nearlyValidRequest(r).inputs as unknown[])[0] : randomValue(r, 4);
      add(decodesOrKilnError(() => decodeJsonTensor(v, 0, limits), show(v)));
    }
    expect(t.ok).toBeGreaterThan(50);
    expect(t.refused).toBeGreaterThan(50);
  });

  it('decodeTensorBytes and decodeRawBinaryRequest: random bytes, datatypes and shapes', () => {
    const r = rng(4);
    const { t, add } = tally();
    for (let i = 0; i < RUNS; i++) {
      const bytes = new Uint8Array(
        Array.from({ length: r.int(48) }, () => (r.next() < 0.3 ? r.int(2) : r.int(256))),
      );
      const datatype = r.pick(DATATYPES);
      const shape = randomShape(r);
      const count = shape.reduce((a, b) => a * b, 1);
      add(
        decodesOrKilnError(
          () => decodeTensorBytes(bytes, datatype, shape, count, 'input "x"', 'x'),
          () => `${datatype} ${shape} ${bytes}`,
        ),
      );
      const model: ModelSignature = {
        inputs: [
          spec(
            'x',
            datatype,
            shape.map((d) => (r.next() < 0.4 ? -1 : d)),
          ),
        ],
        outputs: [],
      };
      add(
        decodesOrKilnError(
          () => decodeRawBinaryRequest(bytes, model, limits),
          () => `${JSON.stringify(model)} ${bytes}`,
        ),
      );
    }
    expect(t.ok).toBeGreaterThan(50);
    expect(t.refused).toBeGreaterThan(50);
  });

  it('parseJsonBody and readInferenceHeaderLength: garbage text', () => {
    const r = rng(5);
    const { t, add } = tally();
    for (let i = 0; i < RUNS; i++) {
      const text = Buffer.from(
        JSON.stringify(randomValue(r, 4), (_k, x) => (typeof x === 'bigint' ? Number(x) : x)) ?? '1',
      );
      const bytes = r.next() < 0.5 ? mutate(text, r) : text;
      add(
        decodesOrKilnError(
          () => parseJsonBody(bytes, 'body'),
          () => bytes.toString('hex'),
        ),
      );
      const header = bytes.toString('latin1').slice(0, r.int(12));
      add(
        decodesOrKilnError(
          () => readInferenceHeaderLength({ 'Inference-Header-Content-Length': header }, r.int(100)),
          () => header,
        ),
      );
    }
    expect(t.ok).toBeGreaterThan(50);
    expect(t.refused).toBeGreaterThan(50);
  });

  it('checkAgainstSignature and encodeInferResponse on whatever decoded', () => {
    const r = rng(6);
    const { t, add } = tally();
    for (let i = 0; i < RUNS; i++) {
      let req: ReturnType<typeof decodeInferRequest>;
      try {
        req = decodeInferRequest(nearlyValidRequest(r), {}, { limits });
      } catch {
        continue;
      }
      const model: ModelSignature = {
        inputs: req.inputs.map((x) =>
          spec(
            r.next() < 0.9 ? x.name : 'other',
            r.next() < 0.9 ? x.datatype : r.pick(DATATYPES),
            x.shape.map((d) => (r.next() < 0.3 ? -1 : r.next() < 0.9 ? d : d + 1)),
          ),
        ),
        outputs: [spec('out0', 'FP32', [-1])],
      };
      add(decodesOrKilnError(() => checkAgainstSignature(req, model, { maxBatchSize: r.int(4) }), show(req)));
      const binaryOutputs = chooseBinaryOutputs(
        req,
        req.inputs.map((x) => x.name),
      );
      add(
        decodesOrKilnError(
          () => encodeInferResponse({ modelName: 'm', id: 'i', outputs: req.inputs }, { binaryOutputs }),
          show(req),
        ),
      );
    }
    expect(t.ok).toBeGreaterThan(50);
    expect(t.refused).toBeGreaterThan(10);
  });
});
