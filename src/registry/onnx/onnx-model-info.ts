/**
 * @module registry/onnx/onnx-model-info
 * Reads what the registry needs to know about an ONNX file straight from its protobuf structure
 * (onnx/onnx.proto), without loading it into a runtime: producer, opsets, metadata, which operators
 * it uses, and the features Kiln refuses (external tensor data, non-tensor outputs such as ZipMap's).
 * Tensor contents are skipped, never copied.
 */
import { KilnError } from '../../core/errors.js';
import {
  type Graph,
  parseEntry,
  parseFunction,
  parseGraph,
  readMessage,
  readString,
  type Walk,
} from './onnx-graph.js';
import { ProtobufError, ProtobufReader, WireType } from './protobuf-reader.js';

/** One `opset_import` entry. The default ONNX domain is reported as `''`. */
export interface OnnxOpset {
  readonly domain: string;
  readonly version: number;
}

/** What {@link readOnnxModelInfo} finds in a ModelProto. Plain data: JSON-serialisable as is. */
export interface OnnxModelInfo {
  readonly irVersion: number;
  readonly producerName: string;
  readonly producerVersion: string;
  readonly domain: string;
  readonly modelVersion: number;
  readonly docString: string;
  readonly opsets: readonly OnnxOpset[];
  /** False when the ModelProto has no graph (field 7); the other graph fields are then empty. */
  readonly hasGraph: boolean;
  readonly graphName: string;
  readonly metadata: Readonly<Record<string, string>>;
  /** Graph inputs a caller must feed: `graph.input` less initializers (IR < 4 lists those as inputs). */
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /**
   * Sorted operator types of every node, in subgraphs and local functions too. Operators of the
   * default domain are bare (`Gemm`); others carry their domain (`ai.onnx.ml:ZipMap`).
   */
  readonly opTypes: readonly string[];
  /** Names of tensors (initializers, attribute tensors, sparse parts) stored outside the file. */
  readonly externalDataTensors: readonly string[];
  /** Distinct external-data file names those tensors point to. */
  readonly externalDataFiles: readonly string[];
  /** Names of top-level graph outputs whose type is not a dense tensor (sequence, map, …). */
  readonly nonTensorOutputs: readonly string[];
  readonly hasZipMap: boolean;
}

/**
 * Parses an ONNX ModelProto.
 * @throws KilnError INVALID_MODEL when the bytes are not well-formed protobuf, or are protobuf but
 *   not a ModelProto (no ir_version), or nest subgraphs deeper than 64 levels.
 */
export function readOnnxModelInfo(bytes: Uint8Array): OnnxModelInfo {
  try {
    return parseModel(new ProtobufReader(bytes));
  } catch (e) {
    if (!(e instanceof ProtobufError)) throw e;
    throw new KilnError(
      'INVALID_MODEL',
      `not a valid ONNX file: expected a protobuf ModelProto, got bytes that do not parse: ${e.message}`,
      { offset: e.offset, sizeBytes: bytes.length },
      { cause: e },
    );
  }
}

function parseModel(r: ProtobufReader): OnnxModelInfo {
  let irVersion: number | null = null;
  const strings = { producerName: '', producerVersion: '', domain: '', docString: '' };
  let modelVersion = 0;
  const opsets: OnnxOpset[] = [];
  const metadata: [string, string][] = [];
  const walk: Walk = { opTypes: new Set(), external: [] };
  let graph: Graph | null = null;
  while (r.hasMore()) {
    const tag = r.readTag();
    switch (tag.field) {
      case 1:
        r.expect(tag, WireType.VARINT);
        irVersion = r.readInt64();
        break;
      case 2:
        strings.producerName = readString(r, tag);
        break;
      case 3:
        strings.producerVersion = readString(r, tag);
        break;
      case 4:
        strings.domain = readString(r, tag);
        break;
      case 5:
        r.expect(tag, WireType.VARINT);
        modelVersion = r.readInt64();
        break;
      case 6:
        strings.docString = readString(r, tag);
        break;
      case 7:
        graph = parseGraph(readMessage(r, tag), walk, 1);
        break;
      case 8:
        opsets.push(parseOpset(readMessage(r, tag)));
        break;
      case 14:
        metadata.push(parseEntry(readMessage(r, tag)));
        break;
      case 25:
        parseFunction(readMessage(r, tag), walk);
        break;
      default:
        r.skip(tag.wireType);
    }
  }
  if (irVersion === null || irVersion <= 0) {
    throw new KilnError(
      'INVALID_MODEL',
      `not an ONNX model: expected a ModelProto with a positive ir_version (field 1), got ${irVersion ?? 'none'}`,
      { irVersion },
    );
  }
  const g: Graph = graph ?? { name: '', inputs: [], outputs: [], initializers: new Set() };
  const opTypes = [...walk.opTypes].sort();
  return {
    irVersion,
    ...strings,
    modelVersion,
    opsets,
    hasGraph: graph !== null,
    graphName: g.name,
    // fromEntries defines own properties, so a key like "__proto__" stays data
    metadata: Object.fromEntries(metadata),
    inputNames: g.inputs.filter((v) => !g.initializers.has(v.name)).map((v) => v.name),
    outputNames: g.outputs.map((v) => v.name),
    opTypes,
    externalDataTensors: walk.external.map((x) => x.tensor),
    externalDataFiles: [...new Set(walk.external.flatMap((x) => (x.location === null ? [] : [x.location])))],
    // An output without a type is left for the runtime to judge; only a declared non-tensor is refused.
    nonTensorOutputs: g.outputs.filter((v) => v.kind !== null && v.kind !== 'tensor').map((v) => v.name),
    hasZipMap: opTypes.some((op) => op === 'ZipMap' || op.endsWith(':ZipMap')),
  };
}
function parseOpset(r: ProtobufReader): OnnxOpset {
  let domain = '';
  let version = 0;
  while (r.hasMore()) {
    const tag = r.readTag();
    if (tag.field === 1) domain = readString(r, tag);
    else if (tag.field === 2) {
      r.expect(tag, WireType.VARINT);
      version = r.readInt64();
    } else r.skip(tag.wireType);
  }
  return { domain, version };
}
