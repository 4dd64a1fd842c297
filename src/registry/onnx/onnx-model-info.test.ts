import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { KilnError } from '../../core/errors.js';
import { readOnnxModelInfo } from './onnx-model-info.js';

const fixture = (name: string) =>
  new Uint8Array(readFileSync(new URL(`../../../test/fixtures/models/${name}`, import.meta.url)));

// A few lines of protobuf encoding, for ModelProtos the fixtures do not cover. Independent of the
// reader under test: the fixtures come from the onnx package, these from the encoding rules.
const varint = (v: number): number[] => {
  const out: number[] = [];
  let n = BigInt.asUintN(64, BigInt(v));
  do {
    const low = Number(n & 0x7fn);
    n >>= 7n;
    out.push(n > 0n ? low | 0x80 : low);
  } while (n > 0n);
  return out;
};
const int = (field: number, v: number) => [...varint(field * 8), ...varint(v)];
const msg = (field: number, ...parts: number[][]) => {
  const body = parts.flat();
  return [...varint(field * 8 + 2), ...varint(body.length), ...body];
};
const str = (field: number, s: string) => msg(field, [...new TextEncoder().encode(s)]);
const model = (...parts: number[][]) => Uint8Array.from([...int(1, 8), ...parts.flat()]);
// ModelProto.graph = 7; GraphProto node = 1, initializer = 5, input = 11, output = 12
const tensorType = (elemType: number) => msg(1, int(1, elemType));
const valueInfo = (name: string, type: number[] = tensorType(1)) => [...str(1, name), ...msg(2, type)];

function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof KilnError) return `${e.code}: ${e.message}`;
    throw e;
  }
  return 'no error';
}

describe('readOnnxModelInfo on the fixture models', () => {
  it('reads the header, opsets, metadata and graph of simple.onnx', () => {
    expect(readOnnxModelInfo(fixture('simple.onnx'))).toEqual({
      irVersion: 7,
      producerName: 'kiln-fixtures',
      producerVersion: '1',
      domain: 'ai.kiln.fixtures',
      modelVersion: 1,
      docString: 'Triton simple: sum and difference of two INT32 vectors',
      opsets: [{ domain: '', version: 13 }],
      hasGraph: true,
      graphName: 'simple',
      metadata: { author: 'kiln', purpose: 'tests' },
      inputNames: ['INPUT0', 'INPUT1'],
      outputNames: ['OUTPUT0', 'OUTPUT1'],
      opTypes: ['Add', 'Sub'],
      externalDataTensors: [],
      externalDataFiles: [],
      nonTensorOutputs: [],
      hasZipMap: false,
    });
  });

  it('reads a torch.onnx.export model', () => {
    const info = readOnnxModelInfo(fixture('torch_mlp.onnx'));
    expect(info.producerName).toBe('pytorch');
    expect(info.opsets).toEqual([{ domain: '', version: 15 }]);
    expect(info.opTypes).toEqual(['Gemm', 'Relu', 'Softmax']);
    expect(info.inputNames).toEqual(['input']);
    expect(info.outputNames).toEqual(['output']);
  });

  it('finds ZipMap and its non-tensor output, with ONNX-ML operators qualified by domain', () => {
    const info = readOnnxModelInfo(fixture('zipmap.onnx'));
    expect(info.opsets).toEqual([
      { domain: '', version: 13 },
      { domain: 'ai.onnx.ml', version: 1 },
    ]);
    expect(info.opTypes).toEqual(['ai.onnx.ml:LinearClassifier', 'ai.onnx.ml:ZipMap']);
    expect(info.hasZipMap).toBe(true);
    expect(info.nonTensorOutputs).toEqual(['output_probability']);
  });

  it('finds initializers stored in an external file', () => {
    const info = readOnnxModelInfo(fixture('external_data.onnx'));
    expect(info.externalDataTensors).toEqual(['W']);
    expect(info.externalDataFiles).toEqual(['external_data.onnx.data']);
  });

  it('does not count initializers as inputs, and reports a model without inputs', () => {
    expect(readOnnxModelInfo(fixture('mlp_small.onnx')).inputNames).toEqual(['x']);
    const none = readOnnxModelInfo(fixture('no_inputs.onnx'));
    expect(none.inputNames).toEqual([]);
    expect(none.opTypes).toEqual(['Constant']);
  });
});

describe('readOnnxModelInfo on hand-encoded models', () => {
  it('drops initializers listed in graph.input, as IR < 4 exporters wrote them', () => {
    const bytes = model(
      msg(7, msg(11, valueInfo('x')), msg(11, valueInfo('W')), msg(5, str(8, 'W')), msg(12, valueInfo('y'))),
    );
    const info = readOnnxModelInfo(bytes);
    expect(info.inputNames).toEqual(['x']);
    expect(info.outputNames).toEqual(['y']);
  });

  it('walks subgraphs and attribute tensors for operators and external data', () => {
    // node If with attribute then_branch (g = 6) whose graph has a Loop node with an attribute
    // tensor (t = 5) marked data_location = EXTERNAL (14), and an attribute `tensors` (10) entry
    // with an external_data (13) location
    const inner = msg(1, str(4, 'Loop'), msg(5, str(1, 'value'), msg(5, int(14, 1))));
    const ifNode = msg(
      1,
      str(3, 'branch'),
      str(4, 'If'),
      msg(5, str(1, 'then_branch'), msg(6, inner)),
      msg(5, str(1, 'more'), msg(10, str(8, 'T'), msg(13, str(1, 'location'), str(2, 'weights.bin')))),
    );
    const info = readOnnxModelInfo(model(msg(7, ifNode, msg(11, valueInfo('c')), msg(12, valueInfo('y')))));
    expect(info.opTypes).toEqual(['If', 'Loop']);
    expect(info.externalDataTensors).toEqual(['attribute value of node (unnamed)', 'T']);
    expect(info.externalDataFiles).toEqual(['weights.bin']);
  });

  it('classifies every non-tensor output type', () => {
    // TypeProto: sequence 4, map 5, opaque 7, sparse_tensor 8, optional 9; denotation 6 is not a kind
    const outputs = [4, 5, 7, 8, 9].map((f) => msg(12, valueInfo(`o${f}`, [...msg(f, []), ...str(6, 'x')])));
    const plain = msg(12, valueInfo('t', [...str(6, 'IMAGE'), ...tensorType(1)]));
    const untyped = msg(12, str(1, 'u'));
    const info = readOnnxModelInfo(model(msg(7, ...outputs, plain, untyped)));
    expect(info.nonTensorOutputs).toEqual(['o4', 'o5', 'o7', 'o8', 'o9']);
    expect(info.hasZipMap).toBe(false);
  });

  it('reports a model without a graph, and keeps unknown fields out of the way', () => {
    const info = readOnnxModelInfo(
      model(int(99, 5), str(100, 'future'), msg(8, str(1, 'ai.onnx.ml'), int(2, 3))),
    );
    expect(info.hasGraph).toBe(false);
    expect(info.graphName).toBe('');
    expect(info.opsets).toEqual([{ domain: 'ai.onnx.ml', version: 3 }]);
  });

  it('keeps a metadata key named __proto__ as data', () => {
    const info = readOnnxModelInfo(model(msg(14, str(1, '__proto__'), str(2, 'x'))));
    expect(Object.getOwnPropertyNames(info.metadata)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(info.metadata)).toBe(Object.prototype);
  });

  it('refuses subgraphs nested deeper than 64 levels', () => {
    let graph = msg(12, valueInfo('y'));
    for (let i = 0; i < 70; i++) graph = msg(1, str(4, 'If'), msg(5, str(1, 'then_branch'), msg(6, graph)));
    expect(codeOf(() => readOnnxModelInfo(model(msg(7, graph))))).toMatch(
      /INVALID_MODEL: subgraphs nest deeper/,
    );
  });
});

describe('readOnnxModelInfo refuses what is not an ONNX model', () => {
  it('refuses a truncated copy of a valid model', () => {
    const bytes = fixture('mlp_small.onnx');
    expect(codeOf(() => readOnnxModelInfo(bytes.subarray(0, bytes.length - 100)))).toMatch(
      /^INVALID_MODEL: not a valid ONNX file: expected a protobuf ModelProto.*only \d+ left/,
    );
  });

  it('refuses random bytes', () => {
    let seed = 42;
    const bytes = Uint8Array.from({ length: 4096 }, () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed >> 16;
    });
    expect(codeOf(() => readOnnxModelInfo(bytes))).toMatch(/^INVALID_MODEL: not a/);
  });

  it('refuses empty input and well-formed protobuf that is not a ModelProto', () => {
    expect(codeOf(() => readOnnxModelInfo(new Uint8Array()))).toBe(
      'INVALID_MODEL: not an ONNX model: expected a ModelProto with a positive ir_version (field 1), got none',
    );
    expect(codeOf(() => readOnnxModelInfo(Uint8Array.from(str(2, 'just a string'))))).toMatch(/got none$/);
  });

  it('refuses a known field with the wrong wire type', () => {
    expect(codeOf(() => readOnnxModelInfo(Uint8Array.from([...int(1, 8), ...int(7, 1)])))).toMatch(
      /field 7: expected wire type 2 \(length-delimited\), got 0 \(varint\)/,
    );
  });

  it('refuses a text file', () => {
    const text = new TextEncoder().encode('{"this": "is JSON, not ONNX"}\n');
    expect(codeOf(() => readOnnxModelInfo(text))).toMatch(/^INVALID_MODEL: not a/);
  });
});
