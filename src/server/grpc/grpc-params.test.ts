import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isKilnError } from '../../core/errors.js';
import { DataPlane } from '../../serve/data-plane.js';
import { nullInferenceSink } from '../../serve/inference-sink.js';
import type { InferRequest, InferResponse } from '../../serve/protocol/infer-types.js';
import { ServingMetrics } from '../../serve/serving-metrics.js';
import type { InferParameterMap } from './grpc-messages.js';
import { decodeParameters, encodeParameters } from './grpc-params.js';
import { loadKilnProtos } from './grpc-protos.js';
import { fakeServedModels } from './test-support/fake-models.js';
import { grpcErrorOf, type Harness, startHarness } from './test-support/grpc-harness.js';

/** All five kinds, at values where a careless codec would lose something. */
const WIRE: Record<string, unknown> = {
  flag: { bool_param: true },
  off: { bool_param: false },
  small: { int64_param: '-42' },
  huge: { int64_param: '-9223372036854775808' },
  label: { string_param: 'np' },
  empty: { string_param: '' },
  ratio: { double_param: 0.1 },
  unsigned: { uint64_param: '18446744073709551615' },
  zero: { uint64_param: '0' },
};
const DECODED = {
  flag: true,
  off: false,
  small: -42,
  huge: -(2n ** 63n),
  label: 'np',
  empty: '',
  ratio: 0.1,
  unsigned: 2n ** 64n - 1n,
  zero: 0,
};

/** Through the real protobuf encoding and back, as proto-loader hands messages to Kiln. */
function overTheWire(parameters: unknown): InferParameterMap {
  const type = loadKilnProtos()['inference.ModelInferRequest'] as unknown as {
    serialize(v: unknown): Buffer;
    deserialize(b: Buffer): { parameters: InferParameterMap };
  };
  return type.deserialize(type.serialize({ parameters })).parameters;
}

describe('grpc-params', () => {
  it('decodes all five kinds exactly: safe integers as numbers, larger ones as bigints', () => {
    expect(decodeParameters(overTheWire(WIRE), 'request parameters', 'parameters')).toEqual(DECODED);
  });

  it('encodes back to the same wire values (a whole-number double would come back as int64)', () => {
    const again = decodeParameters(overTheWire(encodeParameters(DECODED)), 'p', 'p');
    expect(again).toEqual(DECODED);
    expect(encodeParameters({ n: 3, x: 2.5, big: 2n ** 63n })).toEqual({
      n: { int64_param: '3' },
      x: { double_param: 2.5 },
      big: { uint64_param: '9223372036854775808' },
    });
  });

  it('refuses a parameter with no member set, naming it', () => {
    try {
      decodeParameters(overTheWire({ empty: {} }), 'request parameters', 'parameters');
      expect.unreachable();
    } catch (e) {
      expect(isKilnError(e) && e.code).toBe('INVALID_ARGUMENT');
      expect((e as Error).message).toBe(
        'request parameters: "empty" has no value; set one of bool_param, int64_param, string_param, double_param, uint64_param',
      );
    }
  });

  it('refuses a NaN or infinite double_param, as REST refuses non-finite parameters', () => {
    for (const x of [Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() =>
        decodeParameters(overTheWire({ t: { double_param: x } }), 'request parameters', 'p'),
      ).toThrow(`request parameters: "t" expected a finite double_param, got ${x}`);
    }
  });

  it('refuses to encode a bigint outside int64 and uint64 (INTERNAL)', () => {
    expect(() => encodeParameters({ x: 2n ** 64n })).toThrow(/fits neither int64 nor uint64/);
  });
});

/** Records what the data plane was asked, and echoes the request parameters in its answer. */
class EchoingDataPlane extends DataPlane {
  last: InferRequest | undefined;
  override async infer(
    name: string,
    version: string | undefined,
    request: InferRequest,
  ): Promise<InferResponse> {
    this.last = request;
    const response = await super.infer(name, version, request);
    return { ...response, parameters: request.parameters };
  }
}

describe('gRPC ModelInfer parameters', () => {
  const dataPlane = new EchoingDataPlane({
    models: fakeServedModels(),
    metrics: new ServingMetrics({ defaultMetrics: false }),
    sink: nullInferenceSink,
    version: '0.1.0',
  });
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ dataPlane });
  });
  afterAll(async () => {
    await h.close();
  });
  const request = (extra: Record<string, unknown>) => ({
    model_name: 'identity_int32',
    inputs: [{ name: 'INPUT0', datatype: 'INT32', shape: [1], contents: { int_contents: [5] }, ...extra }],
  });

  it('hands request, input and output parameters of all five kinds to the data plane, and back', async () => {
    const r = await h.call<{ parameters: InferParameterMap }>(
      'ModelInfer',
      {
        ...request({ parameters: { content_type: { string_param: 'np' }, scale: { double_param: 0.5 } } }),
        parameters: WIRE,
        outputs: [{ name: 'OUTPUT0', parameters: { binary_data: { bool_param: false } } }],
      },
      'predictor-token',
    );
    expect(dataPlane.last?.parameters).toEqual(DECODED);
    expect(dataPlane.last?.inputParameters).toEqual(
      new Map([['INPUT0', { content_type: 'np', scale: 0.5 }]]),
    );
    expect(dataPlane.last?.outputs).toEqual([{ name: 'OUTPUT0', parameters: { binary_data: false } }]);
    expect(decodeParameters(r.parameters, 'response parameters', 'parameters')).toEqual(DECODED);
  });

  it('refuses a parameter with no value and a binary_data that is not a boolean', async () => {
    const none = await grpcErrorOf(
      h.call('ModelInfer', { ...request({}), parameters: { x: {} } }, 'admin-token'),
    );
    expect(none.code).toBe(status.INVALID_ARGUMENT);
    expect(none.details).toContain('"x" has no value');
    const input = await grpcErrorOf(h.call('ModelInfer', request({ parameters: { y: {} } }), 'admin-token'));
    expect(input.details).toContain('input "INPUT0" parameters: "y" has no value');
    const binary = await grpcErrorOf(
      h.call(
        'ModelInfer',
        {
          ...request({}),
          outputs: [{ name: 'OUTPUT0', parameters: { binary_data: { string_param: 'yes' } } }],
        },
        'admin-token',
      ),
    );
    expect(binary.code).toBe(status.INVALID_ARGUMENT);
    expect(binary.details).toContain('binary_data expected true or false');
  });
});
