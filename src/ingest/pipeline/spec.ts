/**
 * @module ingest/pipeline/spec
 * Parses and strictly validates a pipeline spec (YAML). Every error is PIPELINE_SPEC_INVALID and
 * names `file:line`, the key path and what was expected, e.g.
 * `pipelines/t.yaml:7 steps[2].filter: expected a SQL boolean expression string, got 3`.
 * Unknown keys are refused with a "did you mean". The reference is `docs/pipelines.md`.
 */
import { LineCounter, parseDocument } from 'yaml';
import { KilnError, isKilnError } from '../../core/errors.js';
import { assertName } from '../../core/names.js';
import { SpecReader } from './spec-reader.js';
import { readSources } from './spec-sources.js';
import { readSteps } from './spec-steps.js';
import type { PipelineSpec } from './spec-types.js';

export type * from './spec-types.js';

const TOP_KEYS = ['name', 'sources', 'steps', 'expectations', 'on_fail'] as const;

/** Parses `text` (the content of `file`) into a frozen {@link PipelineSpec}. */
export function parsePipelineSpec(text: string, file: string): PipelineSpec {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter,
    schema: 'core',
    strict: true,
    uniqueKeys: true,
    prettyErrors: false,
  });
  const problem = doc.errors[0];
  if (problem) {
    const line = lineCounter.linePos(problem.pos[0]).line;
    throw new KilnError(
      'PIPELINE_SPEC_INVALID',
      `${file}:${line} not valid YAML: ${firstLine(problem.message)}`,
      {
        file,
        line,
      },
    );
  }
  const r: SpecReader = new SpecReader(file, lineCounter);
  const root = { node: doc.contents, line: 1, path: '' };
  const keys = r.map(root, TOP_KEYS, 'a mapping with name, sources and steps');
  const nameAt = keys.get('name');
  if (!nameAt) r.fail({ ...root, path: 'name' }, 'missing key "name" (the output dataset)');
  const name = r.string(nameAt, 'a dataset name');
  try {
    assertName(name, 'name');
  } catch (e) {
    if (isKilnError(e)) r.fail(nameAt, e.message.replace(/^name: /, ''));
    throw e;
  }
  const sourcesAt = keys.get('sources');
  if (!sourcesAt) r.fail({ ...root, path: 'sources' }, 'missing key "sources" (at least one source)');
  const sources = readSources(r, sourcesAt);
  const stepsAt = keys.get('steps');
  const steps = stepsAt && stepsAt.node !== null ? readSteps(r, stepsAt) : [];
  const sourceNames = Object.keys(sources);
  if (sourceNames.length > 1 && steps[0]?.kind !== 'sql') {
    r.fail(
      stepsAt ?? sourcesAt,
      `with several sources (${sourceNames.join(', ')}) the first step must be "sql", to join or choose them`,
    );
  }
  const expectations = keys.get('expectations');
  const onFail = keys.get('on_fail');
  return deepFreeze({
    name,
    file,
    sources,
    steps,
    ...(expectations ? { expectations: r.string(expectations, 'the path of an expectation suite') } : {}),
    on_fail: onFail ? r.oneOf(onFail, ['block', 'warn', 'quarantine'] as const) : 'block',
  });
}

function firstLine(message: string): string {
  return message.split('\n')[0];
}

function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null) {
    for (const child of Object.values(v)) deepFreeze(child);
    Object.freeze(v);
  }
  return v;
}
