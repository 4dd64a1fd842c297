/**
 * @module monitor/inference-log/log-columns
 * How a model version's tensors become inference-log columns. A tensor's first dimension is the
 * row (the batch); the rest is laid out as columns: named by the version's feature schema when it
 * names that tensor's columns, `<tensor>` when each row holds one value (`[batch]`, `[batch, 1]`),
 * else `<tensor>_<i>` over the row's flattened elements. The fixed columns come first and are
 * reserved: a tensor column with a reserved or already used name gets `_2`, `_3`, … appended.
 */
import type { FeatureSchema } from '../../registry/feature-schema.js';
import type { SignatureView } from '../../registry/registry-types.js';

/** The columns every log row has, in order. */
export const FIXED_COLUMNS = [
  'request_id',
  'row',
  'deployment',
  'model',
  'version',
  'received_at',
  'latency_ms',
  'queue_ms',
  'compute_ms',
  'subject_id',
] as const;

/**
 * The column names of one tensor whose rows hold `width` elements each (`featureNames` applies
 * only when it has exactly `width` names).
 */
export function tensorColumnNames(
  tensor: string,
  width: number,
  featureNames?: readonly string[] | undefined,
): string[] {
  if (featureNames && featureNames.length === width) return [...featureNames];
  if (width === 1) return [tensor];
  return Array.from({ length: width }, (_, i) => `${tensor}_${i}`);
}

/** Elements per row of a tensor of this shape (the first dimension is the row). */
export function rowWidth(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape.slice(1)) n *= d;
  return n;
}

/** Feature names per input tensor, from a version's feature schema. */
export function featureNamesOf(schema: FeatureSchema | null | undefined): Record<string, string[]> {
  return schema ? { [schema.input]: schema.columns.map((c) => c.name) } : {};
}

/**
 * Whether `name` is a column (or a whole tensor) the log of this signature can hold: a tensor name,
 * a feature-schema column, or `<tensor>_<i>` within the tensor's width (any `i` when the width is
 * dynamic). Used to refuse PII and subject-key settings that would match nothing.
 */
export function isLoggedColumn(
  name: string,
  signature: SignatureView,
  schema: FeatureSchema | null,
): boolean {
  const features = featureNamesOf(schema);
  for (const t of [...signature.inputs, ...signature.outputs]) {
    if (t.name === name) return true;
    const names = Object.hasOwn(features, t.name) ? features[t.name] : undefined;
    if (names) {
      // A feature schema's names replace `<tensor>_<i>` for that tensor.
      if (names.includes(name)) return true;
      continue;
    }
    if (!name.startsWith(`${t.name}_`)) continue;
    const suffix = name.slice(t.name.length + 1);
    if (!/^\d+$/.test(suffix)) continue;
    const dims = t.shape.slice(1);
    if (dims.some((d) => d < 0)) return true;
    if (Number(suffix) < rowWidth(t.shape)) return true;
  }
  return false;
}

/** The columns a signature's tensors log as (`<tensor>_<i>` for a dynamic width), for messages. */
export function knownColumns(signature: SignatureView, schema: FeatureSchema | null): string[] {
  const features = featureNamesOf(schema);
  const out: string[] = [];
  for (const t of [...signature.inputs, ...signature.outputs]) {
    const dims = t.shape.slice(1);
    if (dims.some((d) => d < 0)) out.push(`${t.name}_<i>`);
    else
      out.push(
        ...tensorColumnNames(
          t.name,
          rowWidth(t.shape),
          Object.hasOwn(features, t.name) ? features[t.name] : undefined,
        ),
      );
  }
  return out;
}
