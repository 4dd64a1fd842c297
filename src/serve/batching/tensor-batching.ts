/**
 * @module serve/batching/tensor-batching
 * How several requests become one model run and back: their inputs are concatenated along
 * dimension 0 (the batch) and the model's outputs are split along dimension 0 by each request's
 * row count, in order. Only requests with the same {@link batchKey} may be concatenated; the
 * batcher groups them, these functions only check and copy.
 *
 * Each concatenated tensor costs one allocation (a typed array filled with `set`, or one string
 * array for BYTES). Split outputs are copies, not views: a view would pin the whole batch's
 * buffer for as long as any one response or inference-log entry holds its slice.
 */
import { KilnError } from '../../core/errors.js';
import { arrayClassOf, type FixedDatatype } from '../protocol/datatype-layout.js';
import { formatShape } from '../protocol/protocol-errors.js';
import { elementCount, type Tensor, type TensorData } from '../tensor.js';

/**
 * A string equal for two requests exactly when their inputs can be concatenated along dimension 0:
 * the same input names in the same order, the same datatypes and the same dimensions after the
 * first. Inputs are expected in signature order (as the signature check returns them), so
 * requests that list inputs in different orders simply never share a batch.
 */
export function batchKey(inputs: readonly Tensor[]): string {
  // Names are JSON-quoted, so no name can imitate the separators; built by hand: once per request.
  let key = '';
  for (const t of inputs) {
    key += `${JSON.stringify(t.name)}:${t.datatype}`;
    for (let d = 1; d < t.shape.length; d++) key += `,${t.shape[d]}`;
    key += ';';
  }
  return key;
}

/** Whether two requests' inputs have the same {@link batchKey}, compared without building it. */
export function sameLayout(a: readonly Tensor[], b: readonly Tensor[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x.name !== y.name || x.datatype !== y.datatype || x.shape.length !== y.shape.length) return false;
    for (let d = 1; d < x.shape.length; d++) if (x.shape[d] !== y.shape[d]) return false;
  }
  return true;
}

/**
 * Checks that a request's inputs can take part in a batch of `batchSize` rows: every input has
 * rank ≥ 1 with dimension 0 equal to `batchSize`, and holds the data its shape and datatype call
 * for. Run at submission, so that one malformed request is refused alone instead of failing the
 * batch it would have joined.
 * @throws KilnError INVALID_ARGUMENT naming the input, with what was expected and what came.
 */
export function checkBatchable(inputs: readonly Tensor[], batchSize: number): void {
  for (const t of inputs) {
    const label = () => `input ${JSON.stringify(t.name)}`;
    if (t.shape.length === 0 || t.shape[0] !== batchSize) {
      throw new KilnError(
        'INVALID_ARGUMENT',
        `${label()}: expected dimension 0 to be the batch size ${batchSize}, got shape ${formatShape(t.shape)}`,
        {
          field: 'inputs',
          input: t.name,
          reason: 'batch_mismatch',
          expected: batchSize,
          got: t.shape[0] ?? null,
        },
      );
    }
    const want = elementCount(t.shape);
    const classOk =
      t.datatype === 'BYTES' ? Array.isArray(t.data) : t.data instanceof arrayClassOf(t.datatype);
    if (!classOk || t.data.length !== want) {
      throw new KilnError(
        'INVALID_ARGUMENT',
        `${label()}: a ${t.datatype} tensor of shape ${formatShape(t.shape)} should hold ${want} elements ` +
          `in its datatype's array, got ${t.data.length} in a ${t.data.constructor.name}`,
        { field: 'inputs', input: t.name, reason: 'incoherent_tensor' },
      );
    }
  }
}

/**
 * Concatenates the inputs of several requests along dimension 0: result input `i` holds every
 * request's input `i`, rows in request order. A single request is returned as it is (no copy).
 * @param requests each request's inputs, all with the same {@link batchKey} and checked by
 *   {@link checkBatchable}.
 * @throws KilnError INTERNAL when the requests are not compatible (different key): grouping them
 *   is the caller's job, so a mismatch here is a bug.
 */
export function concatBatch(requests: readonly (readonly Tensor[])[]): Tensor[] {
  if (requests.length === 0) throw new KilnError('INTERNAL', 'cannot form a batch of no requests');
  const first = requests[0];
  if (requests.length === 1) return [...first];
  const key = batchKey(first);
  for (const r of requests) {
    if (batchKey(r) !== key) {
      throw new KilnError('INTERNAL', `cannot batch inputs ${batchKey(r)} with inputs ${key}`, {
        reason: 'incompatible_batch',
      });
    }
  }
  return first.map((head, i) => {
    const parts = requests.map((r) => r[i]);
    const rows = parts.reduce((n, t) => n + t.shape[0], 0);
    const shape = [rows, ...head.shape.slice(1)];
    return {
      name: head.name,
      datatype: head.datatype,
      shape,
      data: concatData(head.datatype, parts, elementCount(shape)),
    };
  });
}

/**
 * Splits a batch's outputs back into one output list per request, by each request's row count,
 * in order. Every output must have dimension 0 equal to the batch's total rows; with one request
 * the outputs are returned as they are (no copy) after that check.
 * @throws KilnError INTERNAL when an output's first dimension is not the batch (a model with a
 *   fixed first dimension cannot batch) or its data does not match its shape.
 */
export function splitBatch(outputs: readonly Tensor[], batchSizes: readonly number[]): Tensor[][] {
  const rows = batchSizes.reduce((n, b) => n + b, 0);
  for (const t of outputs) {
    const label = `output ${JSON.stringify(t.name)}`;
    if (t.shape.length === 0 || t.shape[0] !== rows) {
      throw new KilnError(
        'INTERNAL',
        `${label} has shape ${formatShape(t.shape)}, but dimension 0 should be the batch of ${rows} rows: ` +
          'a model with a fixed first dimension cannot batch; set max_batch_size to 1',
        { output: t.name, reason: 'output_not_batched', expected: rows, got: t.shape[0] ?? null },
      );
    }
    if (t.data.length !== elementCount(t.shape)) {
      throw new KilnError(
        'INTERNAL',
        `${label} has shape ${formatShape(t.shape)} (${elementCount(t.shape)} elements) but holds ${t.data.length}`,
        { output: t.name, reason: 'incoherent_tensor' },
      );
    }
  }
  if (batchSizes.length === 1) return [[...outputs]];
  const result: Tensor[][] = batchSizes.map(() => []);
  for (const t of outputs) {
    const trailing = t.shape.slice(1);
    const rowElements = elementCount(trailing);
    let row = 0;
    batchSizes.forEach((n, r) => {
      const data = t.data.slice(row * rowElements, (row + n) * rowElements) as TensorData;
      result[r].push({ name: t.name, datatype: t.datatype, shape: [n, ...trailing], data });
      row += n;
    });
  }
  return result;
}

function concatData(datatype: Tensor['datatype'], parts: readonly Tensor[], count: number): TensorData {
  if (datatype === 'BYTES') {
    const out = new Array<string>(count);
    let o = 0;
    for (const p of parts) for (const s of p.data as string[]) out[o++] = s;
    return out;
  }
  const out = new (arrayClassOf(datatype as FixedDatatype))(count);
  let offset = 0;
  for (const p of parts) {
    // Same array class on both sides (checkBatchable); the cast only quiets the union's `set` types.
    (out as Uint8Array).set(p.data as Uint8Array, offset);
    offset += p.data.length;
  }
  return out;
}
