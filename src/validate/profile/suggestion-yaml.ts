/**
 * @module validate/profile/suggestion-yaml
 * Writes a suggested suite as a YAML suite file (GX 1.x shape: `name`, `expectations` of
 * `{type, kwargs, meta}`, `meta`), headed by comments that say where it came from and which rules
 * produced it, so that a reviewer knows what each expectation rests on. `kiln data suggest … >
 * suite.yaml` prints this.
 */
import { stringify } from 'yaml';
import type { ExpectationSuite } from '../suite-types.js';
import { RULE_DESCRIPTIONS, type SuggestionRule } from './suggestion-rules.js';

export interface SuggestionYamlOptions {
  /** What was profiled, for the header (e.g. `data/sales.parquet`, `sales@3`). */
  readonly source?: string;
}

/** Renders `suite` as commented YAML. The rules listed are those in `suite.meta.rules`. */
export function renderSuggestionYaml(suite: ExpectationSuite, options: SuggestionYamlOptions = {}): string {
  const meta = (suite.meta ?? {}) as {
    rules?: unknown;
    profile?: { row_count?: unknown; created_at?: unknown };
  };
  const rules = Array.isArray(meta.rules)
    ? (meta.rules.filter((r) => typeof r === 'string' && r in RULE_DESCRIPTIONS) as SuggestionRule[])
    : [];
  const counts = new Map<string, number>();
  for (const e of suite.expectations) {
    const rule = typeof e.meta?.rule === 'string' ? e.meta.rule : 'other';
    counts.set(rule, (counts.get(rule) ?? 0) + 1);
  }
  const lines = [`Expectation suite "${oneLine(suite.name)}", suggested by Kiln from a data profile.`];
  const facts: string[] = [];
  if (options.source !== undefined) facts.push(`data: ${oneLine(options.source)}`);
  if (typeof meta.profile?.row_count === 'number') facts.push(`${meta.profile.row_count} rows`);
  if (typeof meta.profile?.created_at === 'string') facts.push(`profiled ${meta.profile.created_at}`);
  if (facts.length > 0) lines.push(facts.join(', '));
  lines.push(
    'It describes the data that was profiled (and passes on it); review each expectation before',
    'relying on it. Rules (after Deequ), with how many expectations each produced:',
  );
  for (const r of rules) lines.push(`  ${r} (${counts.get(r) ?? 0}): ${RULE_DESCRIPTIONS[r]}`);
  const header = lines.map((l) => `# ${l}`.trimEnd()).join('\n');
  const body = stringify(
    { name: suite.name, expectations: suite.expectations, ...(suite.meta ? { meta: suite.meta } : {}) },
    // Every string double-quoted: `yes`, `no`, `on` or `0o7` then stay strings for every YAML
    // reader (YAML 1.1 ones such as PyYAML included), and a column name never changes type.
    { lineWidth: 0, defaultStringType: 'QUOTE_DOUBLE', defaultKeyType: 'PLAIN' },
  );
  return `${header}\n${body}`;
}

/** A comment must stay one line: a name or path with a line break would end it early. */
function oneLine(s: string): string {
  return s.replace(/[\r\n\u2028\u2029]+/g, ' ');
}
