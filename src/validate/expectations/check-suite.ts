/**
 * @module validate/expectations/check-suite
 * Strict reading of a suite in Great Expectations' shape — GX 1.x `{name, expectations: [{type,
 * kwargs, meta}]}` or the older `{expectation_suite_name, expectations: [{expectation_type, …}]}` —
 * into an {@link ExpectationSuite}. Every problem is collected with its path in the document
 * (`["expectations", 3, "kwargs", "min_value"]`) so that the file reader can name the line.
 */
import { invalid } from '../../core/errors.js';
import type { ExpectationConfig, ExpectationSuite } from '../suite-types.js';
import { findExpectation, kwargSpecs, listExpectations } from './catalogue.js';
import { closeNames } from './close-names.js';
import { checkKwarg, UNSUPPORTED_KWARGS } from './kwargs.js';

export type SuitePath = readonly (string | number)[];

export interface SuiteIssue {
  readonly path: SuitePath;
  readonly message: string;
}

const SUITE_KEYS = [
  'name',
  'expectation_suite_name',
  'expectations',
  'meta',
  'id',
  'ge_cloud_id',
  'notes',
  'data_asset_type',
];
const EXPECTATION_KEYS = [
  'type',
  'expectation_type',
  'kwargs',
  'meta',
  'id',
  'ge_cloud_id',
  'notes',
  'description',
  'rendered_content',
];

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function describeExpected(field: string, expected: string, got: unknown): string {
  return invalid(field, expected, got).message;
}

function suggest(name: string, candidates: Iterable<string>): string {
  const close = closeNames(name, candidates);
  return close.length > 0 ? `; did you mean ${close.join(', ')}?` : '';
}

function unknownKeys(
  o: Record<string, unknown>,
  allowed: readonly string[],
  where: string,
  path: SuitePath,
  issues: SuiteIssue[],
): void {
  for (const key of Object.keys(o)) {
    if (!allowed.includes(key)) {
      issues.push({
        path: [...path, key],
        message: `${where}: unknown key "${key}"${suggest(key, allowed)}`,
      });
    }
  }
}

/** Picks GX 1.x's key or its older synonym; both at once is an error. */
function eitherKey(
  o: Record<string, unknown>,
  key: string,
  older: string,
  where: string,
  path: SuitePath,
  issues: SuiteIssue[],
): { key: string; value: unknown } | undefined {
  if (key in o && older in o) {
    issues.push({ path: [...path, older], message: `${where}: give "${key}" or "${older}", not both` });
  }
  if (key in o) return { key, value: o[key] };
  if (older in o) return { key: older, value: o[older] };
  issues.push({ path, message: `${where}: "${key}" is missing` });
  return undefined;
}

function readKwargs(
  type: string,
  raw: unknown,
  where: string,
  path: SuitePath,
  issues: SuiteIssue[],
): Record<string, unknown> | undefined {
  const definition = findExpectation(type);
  if (!definition) return undefined;
  if (raw !== undefined && !isObject(raw)) {
    issues.push({ path, message: describeExpected(`${where}.kwargs`, 'a mapping of kwargs', raw) });
    return undefined;
  }
  const kwargs = raw ?? {};
  const specs = kwargSpecs(definition);
  const before = issues.length;
  for (const [name, value] of Object.entries(kwargs)) {
    const at = [...path, name];
    const spec = specs[name];
    if (!spec) {
      const reason = UNSUPPORTED_KWARGS[name];
      issues.push({
        path: at,
        message: reason
          ? `${where}: ${reason}`
          : `${where}: unknown kwarg "${name}" for ${type}${suggest(name, Object.keys(specs))} (accepted: ${Object.keys(specs).join(', ')})`,
      });
      continue;
    }
    if (isObject(value) && '$PARAMETER' in value) {
      issues.push({
        path: at,
        message: `${where}.kwargs.${name}: suite parameters ($PARAMETER) are not supported`,
      });
      continue;
    }
    const expected = checkKwarg(spec, value);
    if (expected)
      issues.push({ path: at, message: describeExpected(`${where}.kwargs.${name}`, expected, value) });
  }
  for (const [name, spec] of Object.entries(specs)) {
    if (spec.required && !(name in kwargs)) {
      issues.push({ path, message: `${where}: missing required kwarg "${name}" for ${type}` });
    }
  }
  if (issues.length === before && definition.check) {
    const broken = definition.check(kwargs);
    if (broken) issues.push({ path, message: `${where}: ${broken}` });
  }
  return kwargs;
}

function readExpectation(raw: unknown, index: number, issues: SuiteIssue[]): ExpectationConfig | undefined {
  const path: SuitePath = ['expectations', index];
  const where = `expectations[${index}]`;
  if (!isObject(raw)) {
    issues.push({ path, message: describeExpected(where, 'a mapping {type, kwargs, meta}', raw) });
    return undefined;
  }
  unknownKeys(raw, EXPECTATION_KEYS, where, path, issues);
  const typeKey = eitherKey(raw, 'type', 'expectation_type', where, path, issues);
  if (!typeKey) return undefined;
  const type = typeKey.value;
  if (typeof type !== 'string' || !findExpectation(type)) {
    const known = listExpectations().map((d) => d.type);
    issues.push({
      path: [...path, typeKey.key],
      message:
        typeof type === 'string'
          ? `${where}: unknown expectation type "${type}"${suggest(type, known)}`
          : describeExpected(`${where}.${typeKey.key}`, 'an expectation type name', type),
    });
    return undefined;
  }
  const kwargs = readKwargs(type, raw.kwargs, `${where} (${type})`, [...path, 'kwargs'], issues);
  if (raw.meta !== undefined && raw.meta !== null && !isObject(raw.meta)) {
    issues.push({
      path: [...path, 'meta'],
      message: describeExpected(`${where}.meta`, 'a mapping', raw.meta),
    });
  }
  if (!kwargs) return undefined;
  return { type, kwargs, ...(isObject(raw.meta) ? { meta: raw.meta } : {}) };
}

/** Reads a parsed suite document; the suite is returned only when there are no issues. */
export function readSuite(raw: unknown): { suite?: ExpectationSuite; issues: SuiteIssue[] } {
  const issues: SuiteIssue[] = [];
  if (!isObject(raw)) {
    return {
      issues: [{ path: [], message: describeExpected('suite', 'a mapping {name, expectations}', raw) }],
    };
  }
  unknownKeys(raw, SUITE_KEYS, 'suite', [], issues);
  const nameKey = eitherKey(raw, 'name', 'expectation_suite_name', 'suite', [], issues);
  if (nameKey && (typeof nameKey.value !== 'string' || nameKey.value.trim() === '')) {
    issues.push({
      path: [nameKey.key],
      message: describeExpected(`suite.${nameKey.key}`, 'a non-empty string', nameKey.value),
    });
  }
  if (raw.meta !== undefined && raw.meta !== null && !isObject(raw.meta)) {
    issues.push({ path: ['meta'], message: describeExpected('suite.meta', 'a mapping', raw.meta) });
  }
  const expectations: ExpectationConfig[] = [];
  if (!Array.isArray(raw.expectations)) {
    issues.push({
      path: 'expectations' in raw ? ['expectations'] : [],
      message: describeExpected('suite.expectations', 'a list of expectations', raw.expectations),
    });
  } else {
    raw.expectations.forEach((e, i) => {
      const config = readExpectation(e, i, issues);
      if (config) expectations.push(config);
    });
  }
  if (issues.length > 0) return { issues };
  return {
    issues,
    suite: {
      name: String(nameKey?.value),
      expectations,
      ...(isObject(raw.meta) ? { meta: raw.meta } : {}),
    },
  };
}
