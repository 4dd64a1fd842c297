/**
 * @module registry/onnx/onnx-graph
 * Walks an ONNX GraphProto (onnx/onnx.proto) and everything nested in it — nodes, attributes,
 * subgraphs, initializers, local functions — collecting what `readOnnxModelInfo` reports:
 * operator types, tensors with external data, and the kinds of the graph's inputs and outputs.
 */
import { KilnError } from '../../core/errors.js';
import { type FieldTag, type ProtobufReader, WireType } from './protobuf-reader.js';

/** A tensor whose data lives in another file. */
export interface ExternalDataRef {
  readonly tensor: string;
  /** The `location` key of its external_data, or null when only data_location marks it. */
  readonly location: string | null;
}

/** The kind of value a TypeProto describes, by the number of its `value` oneof field. */
const TYPE_KINDS: Readonly<Record<number, string>> = {
  1: 'tensor',
  4: 'sequence',
  5: 'map',
  7: 'opaque',
  8: 'sparse_tensor',
  9: 'optional',
};

/** Subgraphs nest through node attributes; a bound keeps hostile files from exhausting the stack. */
const MAX_GRAPH_DEPTH = 64;
const DEFAULT_DOMAINS = new Set(['', 'ai.onnx']);
const TENSOR_DATA_LOCATION_EXTERNAL = 1;

/** What a walk collects across the whole model, subgraphs and functions included. */
export interface Walk {
  readonly opTypes: Set<string>;
  readonly external: ExternalDataRef[];
}

/** A graph input or output: its name and the kind of its TypeProto (null when it has none). */
export interface ValueInfo {
  readonly name: string;
  readonly kind: string | null;
}

/** One GraphProto's own name, inputs, outputs and initializer names. */
export interface Graph {
  name: string;
  readonly inputs: ValueInfo[];
  readonly outputs: ValueInfo[];
  readonly initializers: Set<string>;
}

/**
 * Reads a GraphProto, adding its operators and external tensors (and those of its subgraphs) to `walk`.
 * @throws KilnError INVALID_MODEL past 64 levels of nested subgraphs; ProtobufError on bad bytes.
 */
export function parseGraph(r: ProtobufReader, walk: Walk, depth: number): Graph {
  if (depth > MAX_GRAPH_DEPTH) {
    throw new KilnError('INVALID_MODEL', `subgraphs nest deeper than ${MAX_GRAPH_DEPTH} levels`, {
      maxDepth: MAX_GRAPH_DEPTH,
    });
  }
  const graph: Graph = { name: '', inputs: [], outputs: [], initializers: new Set() };
  while (r.hasMore()) {
    const tag = r.readTag();
    switch (tag.field) {
      case 1:
        parseNode(readMessage(r, tag), walk, depth);
        break;
      case 2:
        graph.name = readString(r, tag);
        break;
      case 5:
        graph.initializers.add(parseTensor(readMessage(r, tag), walk, ''));
        break;
      case 15:
        graph.initializers.add(parseSparseTensor(readMessage(r, tag), walk, ''));
        break;
      case 11:
        graph.inputs.push(parseValueInfo(readMessage(r, tag)));
        break;
      case 12:
        graph.outputs.push(parseValueInfo(readMessage(r, tag)));
        break;
      default:
        r.skip(tag.wireType);
    }
  }
  return graph;
}

function parseNode(r: ProtobufReader, walk: Walk, depth: number): void {
  let opType = '';
  let domain = '';
  let name = '';
  while (r.hasMore()) {
    const tag = r.readTag();
    if (tag.field === 3) name = readString(r, tag);
    else if (tag.field === 4) opType = readString(r, tag);
    else if (tag.field === 7) domain = readString(r, tag);
    else if (tag.field === 5) parseAttribute(readMessage(r, tag), walk, depth, () => name);
    else r.skip(tag.wireType);
  }
  walk.opTypes.add(DEFAULT_DOMAINS.has(domain) ? opType : `${domain}:${opType}`);
}

/** Walks the tensors and subgraphs an attribute may hold. `nodeName` is read lazily: it may come later. */
function parseAttribute(r: ProtobufReader, walk: Walk, depth: number, nodeName: () => string): void {
  let attrName = '';
  const label = () => `attribute ${attrName} of node ${nodeName() || '(unnamed)'}`;
  while (r.hasMore()) {
    const tag = r.readTag();
    switch (tag.field) {
      case 1:
        attrName = readString(r, tag);
        break;
      case 5:
      case 10:
        parseTensor(readMessage(r, tag), walk, label());
        break;
      case 22:
      case 23:
        parseSparseTensor(readMessage(r, tag), walk, label());
        break;
      case 6:
      case 11:
        parseGraph(readMessage(r, tag), walk, depth + 1);
        break;
      default:
        r.skip(tag.wireType);
    }
  }
}

/** Returns the tensor's name, recording it when its data is external. */
function parseTensor(r: ProtobufReader, walk: Walk, fallbackName: string): string {
  let name = '';
  let external = false;
  let location: string | null = null;
  while (r.hasMore()) {
    const tag = r.readTag();
    if (tag.field === 8) {
      name = readString(r, tag);
    } else if (tag.field === 13) {
      external = true;
      const [key, value] = parseEntry(readMessage(r, tag));
      if (key === 'location') location = value;
    } else if (tag.field === 14) {
      r.expect(tag, WireType.VARINT);
      if (r.readVarint() === TENSOR_DATA_LOCATION_EXTERNAL) external = true;
    } else {
      r.skip(tag.wireType);
    }
  }
  if (external) walk.external.push({ tensor: name || fallbackName || '(unnamed tensor)', location });
  return name;
}

/** A SparseTensorProto's values (1) and indices (2) are TensorProtos; the name is that of its values. */
function parseSparseTensor(r: ProtobufReader, walk: Walk, fallbackName: string): string {
  let name = '';
  while (r.hasMore()) {
    const tag = r.readTag();
    if (tag.field === 1) name = parseTensor(readMessage(r, tag), walk, fallbackName);
    else if (tag.field === 2) parseTensor(readMessage(r, tag), walk, fallbackName);
    else r.skip(tag.wireType);
  }
  return name;
}

/** Reads a FunctionProto (a model-local function): its nodes (field 7) count as used operators. */
export function parseFunction(r: ProtobufReader, walk: Walk): void {
  while (r.hasMore()) {
    const tag = r.readTag();
    if (tag.field === 7) parseNode(readMessage(r, tag), walk, 1);
    else r.skip(tag.wireType);
  }
}

function parseValueInfo(r: ProtobufReader): ValueInfo {
  let name = '';
  let kind: string | null = null;
  while (r.hasMore()) {
    const tag = r.readTag();
    if (tag.field === 1) name = readString(r, tag);
    else if (tag.field === 2) kind = parseTypeKind(readMessage(r, tag));
    else r.skip(tag.wireType);
  }
  return { name, kind };
}

function parseTypeKind(r: ProtobufReader): string | null {
  let kind: string | null = null;
  while (r.hasMore()) {
    const tag = r.readTag();
    const known = TYPE_KINDS[tag.field];
    if (known !== undefined) kind = known;
    else if (tag.field !== 6) kind = kind ?? `unknown type field ${tag.field}`;
    r.skip(tag.wireType);
  }
  return kind;
}

/** StringStringEntryProto: key = 1, value = 2. */
export function parseEntry(r: ProtobufReader): [string, string] {
  let key = '';
  let value = '';
  while (r.hasMore()) {
    const tag = r.readTag();
    if (tag.field === 1) key = readString(r, tag);
    else if (tag.field === 2) value = readString(r, tag);
    else r.skip(tag.wireType);
  }
  return [key, value];
}

/** Reads a string field, checking its wire type. */
export function readString(r: ProtobufReader, tag: FieldTag): string {
  r.expect(tag, WireType.LEN);
  return r.readString();
}

/** Reads an embedded-message field, checking its wire type. */
export function readMessage(r: ProtobufReader, tag: FieldTag): ProtobufReader {
  r.expect(tag, WireType.LEN);
  return r.readMessage();
}
