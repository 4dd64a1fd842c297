/**
 * @module registry/feature-schema
 * A feature schema names the columns of a model version's tabular input: an ordered list of typed
 * columns laid along the last dimension of one 2-D input tensor `[batch, columns]`. Monitoring and
 * explanations speak of these columns instead of tensor slots.
 */
import { KilnError } from '../core/errors.js';
import type { SignatureView } from './registry-types.js';

export const FEATURE_TYPES = [
  'float32',
  'float64',
  'float16',
  'int8',
  'int16',
  'int32',
  'int64',
  'uint8',
  'uint16',
  'uint32',
  'uint64',
  'bool',
  'string',
] as const;
export type FeatureType = (typeof FEATURE_TYPES)[number];

export interface FeatureColumn {
  readonly name: string;
  readonly type: FeatureType;
  readonly description?: string;
}

export interface FeatureSchema {
  /** The input tensor the columns belong to. */
  readonly input: string;
  readonly columns: FeatureColumn[];
}

const DATATYPE_TO_FEATURE: Readonly<Record<string, FeatureType>> = {
  FP32: 'float32',
  FP64: 'float64',
  FP16: 'float16',
  INT8: 'int8',
  INT16: 'int16',
  INT32: 'int32',
  INT64: 'int64',
  UINT8: 'uint8',
  UINT16: 'uint16',
  UINT32: 'uint32',
  UINT64: 'uint64',
  BOOL: 'bool',
  BYTES: 'string',
};

const COLUMN_RE = /^[A-Za-z_][A-Za-z0-9_.-]{0,127}$/;

function bad(message: string, details: Record<string, unknown> = {}): KilnError {
  return new KilnError('INVALID_FEATURE_SCHEMA', message, details);
}

/**
 * Builds and checks a schema against the version's signature: the input must exist and be 2-D,
 * its last dimension (when fixed) must equal the number of columns, names unique and well-formed,
 * and a column's type, when given, must match the tensor's element type.
 */
export function resolveFeatureSchema(
  spec: readonly string[] | unknown,
  signature: SignatureView,
): FeatureSchema {
  const raw = Array.isArray(spec) ? { columns: spec.map((name) => ({ name })) } : spec;
  if (typeof raw !== 'object' || raw === null || !Array.isArray((raw as { columns?: unknown }).columns)) {
    throw bad(
      'feature schema: expected {"columns": [{"name", "type"?, "description"?}], "input"?}, or a list of names',
    );
  }
  const obj = raw as { input?: unknown; columns: unknown[] };
  const inputName = obj.input ?? (signature.inputs.length === 1 ? signature.inputs[0]?.name : undefined);
  if (typeof inputName !== 'string') {
    throw bad(
      `feature schema: "input" must name one of the model's inputs (${signature.inputs.map((i) => i.name).join(', ')})`,
      { field: 'input' },
    );
  }
  const input = signature.inputs.find((i) => i.name === inputName);
  if (!input) {
    throw bad(
      `feature schema: the model has no input "${inputName}"; inputs: ${signature.inputs.map((i) => i.name).join(', ')}`,
      {
        field: 'input',
      },
    );
  }
  if (input.shape.length !== 2) {
    throw bad(
      `feature schema: input "${input.name}" must be 2-D [batch, columns], its shape is [${input.shape.join(', ')}]`,
      {
        field: 'input',
      },
    );
  }
  const width = input.shape[1]!;
  if (obj.columns.length === 0)
    throw bad('feature schema: at least one column is needed', { field: 'columns' });
  if (width >= 0 && width !== obj.columns.length) {
    throw bad(
      `feature schema: input "${input.name}" has ${width} columns, the schema names ${obj.columns.length}`,
      {
        field: 'columns',
        expected: width,
        got: obj.columns.length,
      },
    );
  }
  const tensorType = DATATYPE_TO_FEATURE[input.datatype];
  if (!tensorType) throw bad(`feature schema: unsupported input datatype ${input.datatype}`);
  const seen = new Set<string>();
  const columns = obj.columns.map((c, i): FeatureColumn => {
    const col = (typeof c === 'string' ? { name: c } : c) as {
      name?: unknown;
      type?: unknown;
      description?: unknown;
    };
    const field = `columns[${i}]`;
    if (typeof col?.name !== 'string' || !COLUMN_RE.test(col.name)) {
      throw bad(
        `feature schema: ${field}.name must be letters, digits, "_", "." or "-" (starting with a letter or "_"), got ${JSON.stringify(col?.name)}`,
        {
          field: `${field}.name`,
        },
      );
    }
    if (seen.has(col.name))
      throw bad(`feature schema: column "${col.name}" appears twice`, { field: `${field}.name` });
    seen.add(col.name);
    const type = (col.type ?? tensorType) as FeatureType;
    if (type !== tensorType) {
      throw bad(
        `feature schema: ${field} ("${col.name}") has type ${String(type)} but input "${input.name}" holds ${tensorType}`,
        {
          field: `${field}.type`,
          expected: tensorType,
          got: type,
        },
      );
    }
    if (col.description !== undefined && typeof col.description !== 'string') {
      throw bad(`feature schema: ${field}.description must be a string`, { field: `${field}.description` });
    }
    return col.description
      ? { name: col.name, type, description: col.description }
      : { name: col.name, type };
  });
  return { input: input.name, columns };
}
