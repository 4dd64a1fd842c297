/**
 * @module ingest/lineage/test-support/schema-check
 * A small JSON Schema validator for the lineage tests: the subset the OpenLineage fixture uses —
 * local `$ref` (`#/$defs/…`), `allOf`, `type`, `enum`, `required`, `properties`,
 * `additionalProperties` (a schema or a boolean), `items`, and `format` `uuid`, `date-time`, `uri`
 * as regular expressions. A keyword it does not know makes it throw instead of being ignored, so a
 * schema cannot silently ask for more than is checked.
 */
import { readFileSync } from 'node:fs';

export type JsonSchema = { readonly [keyword: string]: unknown } | boolean;

export interface SchemaViolation {
  /** JSON Pointer of the offending value (`/run/runId`). */
  readonly path: string;
  readonly message: string;
}

const ANNOTATIONS = new Set(['$schema', '$id', '$comment', '$defs', 'title', 'description', 'examples']);
const KEYWORDS = new Set([
  '$ref',
  'allOf',
  'type',
  'enum',
  'required',
  'properties',
  'additionalProperties',
  'items',
  'format',
]);

const FORMATS: Record<string, RegExp> = {
  uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
  // RFC 3339 date-time: a full date, a time with seconds, and an offset.
  'date-time':
    /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$/i,
  uri: /^[a-z][a-z0-9+.-]*:[^\s]+$/i,
};

/** Every violation of `schema` by `value` (empty when it conforms). */
export function checkSchema(schema: JsonSchema, value: unknown): SchemaViolation[] {
  const out: SchemaViolation[] = [];
  visit(schema, value, '', schema, out);
  return out;
}

/** Reads a schema file (e.g. under `test/fixtures/openlineage/`). */
export function loadSchema(path: string): JsonSchema {
  return JSON.parse(readFileSync(path, 'utf8')) as JsonSchema;
}

function visit(
  schema: JsonSchema,
  value: unknown,
  path: string,
  root: JsonSchema,
  out: SchemaViolation[],
): void {
  if (schema === true) return;
  if (schema === false) {
    out.push({ path, message: 'no value is allowed here' });
    return;
  }
  for (const k of Object.keys(schema)) {
    if (!KEYWORDS.has(k) && !ANNOTATIONS.has(k)) throw new Error(`schema-check: unsupported keyword "${k}"`);
  }
  if (typeof schema.$ref === 'string') visit(resolveRef(root, schema.$ref), value, path, root, out);
  if (Array.isArray(schema.allOf))
    for (const s of schema.allOf) visit(s as JsonSchema, value, path, root, out);
  if (schema.type !== undefined && !matchesType(schema.type, value)) {
    out.push({ path, message: `expected type ${JSON.stringify(schema.type)}, got ${typeName(value)}` });
    return;
  }
  if (Array.isArray(schema.enum) && !schema.enum.some((v) => v === value)) {
    out.push({
      path,
      message: `expected one of ${JSON.stringify(schema.enum)}, got ${JSON.stringify(value)}`,
    });
  }
  if (typeof schema.format === 'string' && typeof value === 'string') {
    const re = FORMATS[schema.format];
    if (!re) throw new Error(`schema-check: unsupported format "${schema.format}"`);
    if (!re.test(value)) out.push({ path, message: `not a ${schema.format}: ${JSON.stringify(value)}` });
  }
  if (isObject(value)) checkObject(schema, value, path, root, out);
  if (Array.isArray(value) && schema.items !== undefined) {
    value.forEach((item, i) => {
      visit(schema.items as JsonSchema, item, `${path}/${i}`, root, out);
    });
  }
}

function checkObject(
  schema: { readonly [keyword: string]: unknown },
  value: Record<string, unknown>,
  path: string,
  root: JsonSchema,
  out: SchemaViolation[],
): void {
  for (const key of (schema.required as string[] | undefined) ?? []) {
    if (!Object.hasOwn(value, key)) out.push({ path, message: `missing required property "${key}"` });
  }
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  for (const [key, v] of Object.entries(value)) {
    const at = `${path}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    if (Object.hasOwn(properties, key)) visit(properties[key]!, v, at, root, out);
    else if (schema.additionalProperties !== undefined) {
      visit(schema.additionalProperties as JsonSchema, v, at, root, out);
    }
  }
}

function resolveRef(root: JsonSchema, ref: string): JsonSchema {
  if (!ref.startsWith('#/')) throw new Error(`schema-check: only local $ref is supported, got "${ref}"`);
  let node: unknown = root;
  for (const part of ref.slice(2).split('/')) {
    const key = part.replace(/~1/g, '/').replace(/~0/g, '~');
    if (!isObject(node) || !Object.hasOwn(node, key))
      throw new Error(`schema-check: $ref "${ref}" not found`);
    node = node[key];
  }
  return node as JsonSchema;
}

function matchesType(type: unknown, value: unknown): boolean {
  const types = Array.isArray(type) ? type : [type];
  return types.some((t) => {
    switch (t) {
      case 'object':
        return isObject(value);
      case 'array':
        return Array.isArray(value);
      case 'string':
        return typeof value === 'string';
      case 'number':
        return typeof value === 'number' && Number.isFinite(value);
      case 'integer':
        return typeof value === 'number' && Number.isInteger(value);
      case 'boolean':
        return typeof value === 'boolean';
      case 'null':
        return value === null;
      default:
        throw new Error(`schema-check: unknown type "${String(t)}"`);
    }
  });
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number' && Number.isInteger(v)) return 'integer';
  return typeof v;
}
