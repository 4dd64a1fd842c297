/**
 * @module registry/metadata-input
 * Validation of the free-form metadata that comes with models and versions: tags, metrics,
 * parameters and lineage. Each check names the field, what was expected and what came.
 */
import { invalid } from '../core/errors.js';
import { parseModelRef } from '../core/names.js';
import type { Lineage } from './registry-types.js';

const TAG_KEY_RE = /^[A-Za-z][A-Za-z0-9._-]{0,63}$/;
const MAX_ENTRIES = 256;

export function parseTags(v: unknown, field = 'tags'): Record<string, string> {
  const obj = asRecord(v, field);
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(obj)) {
    if (!TAG_KEY_RE.test(k))
      throw invalid(`${field} key`, 'letters, digits, ".", "_" or "-" starting with a letter (≤ 64)', k);
    if (typeof val !== 'string' || val.length > 1024)
      throw invalid(`${field}.${k}`, 'a string of at most 1024 characters', val);
    out[k] = val;
  }
  return out;
}

export function parseMetrics(v: unknown, field = 'metrics'): Record<string, number> {
  const obj = asRecord(v, field);
  const out: Record<string, number> = {};
  for (const [k, val] of Object.entries(obj)) {
    if (!TAG_KEY_RE.test(k)) throw invalid(`${field} key`, 'a metric name starting with a letter (≤ 64)', k);
    if (typeof val !== 'number' || !Number.isFinite(val))
      throw invalid(`${field}.${k}`, 'a finite number', val);
    out[k] = val;
  }
  return out;
}

export function parseParams(v: unknown, field = 'params'): Record<string, string> {
  const obj = asRecord(v, field);
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(obj)) {
    if (!TAG_KEY_RE.test(k))
      throw invalid(`${field} key`, 'a parameter name starting with a letter (≤ 64)', k);
    if (!['string', 'number', 'boolean'].includes(typeof val))
      throw invalid(`${field}.${k}`, 'a string, number or boolean', val);
    out[k] = String(val);
  }
  return out;
}

export function parseLineage(v: unknown, field = 'lineage'): Lineage {
  const obj = asRecord(v, field);
  const out: { datasets?: string[]; run?: string } = {};
  for (const key of Object.keys(obj)) {
    if (key !== 'datasets' && key !== 'run')
      throw invalid(`${field}`, 'only the keys "datasets" and "run"', key);
  }
  if (obj.datasets !== undefined) {
    if (!Array.isArray(obj.datasets))
      throw invalid(`${field}.datasets`, 'a list of name@version', obj.datasets);
    out.datasets = obj.datasets.map((d, i) => {
      if (typeof d !== 'string') throw invalid(`${field}.datasets[${i}]`, 'name@version', d);
      const ref = parseModelRef(d, `${field}.datasets[${i}]`);
      if (ref.kind !== 'version')
        throw invalid(`${field}.datasets[${i}]`, 'name@version (a version number)', d);
      return `${ref.name}@${ref.version}`;
    });
  }
  if (obj.run !== undefined) {
    if (typeof obj.run !== 'string' || !/^[A-Za-z0-9._:-]{1,128}$/.test(obj.run)) {
      throw invalid(`${field}.run`, 'a run id of letters, digits, ".", "_", ":" or "-"', obj.run);
    }
    out.run = obj.run;
  }
  return out;
}

function asRecord(v: unknown, field: string): Record<string, unknown> {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw invalid(field, 'an object', v);
  if (Object.keys(v).length > MAX_ENTRIES)
    throw invalid(field, `at most ${MAX_ENTRIES} entries`, `${Object.keys(v).length} entries`);
  return v as Record<string, unknown>;
}
