/**
 * @module validate/expectations/plan
 * Compiles a whole suite into ONE aggregate query over the relation, the way Deequ does (and unlike
 * GX's query per metric):
 *
 * ```sql
 * SELECT a0 AS row_count, a1 AS e0_n, a2 AS e0_u, (min-check on a3) AS e1_ok, …   -- per expectation
 * FROM (SELECT count(*) AS a0,
 *              count(*) FILTER (WHERE "x" IS NOT NULL) AS a1,                       -- domain
 *              count(*) FILTER (WHERE "x" IS NOT NULL AND NOT coalesce(…, FALSE)) AS a2, -- unexpected
 *              min("y") AS a3, …
 *       FROM <relation, with window columns when needed>) AS __kiln_agg
 * ```
 *
 * Identical aggregates are shared. Uniqueness is a `count(DISTINCT key)` in the same scan: when it
 * equals the rows counted, no key repeats and the unexpected count is 0; only when it is smaller
 * does {@link duplicatesSql} count the rows of repeated keys (GX's number), one grouped pass for all
 * uniqueness expectations. Expectations that compare a row with its neighbours (increasing) read
 * window columns (`lag(…) OVER (ORDER BY row)`) computed under the same scan. Expectations answerable from the
 * schema compile to a constant; one that cannot compile (a missing column) keeps its error and stays
 * out of the query, so the others still run in the one scan.
 */
import { KilnError, toKilnError } from '../../core/errors.js';
import { quoteIdent } from '../../store/duckdb/duck-engine.js';
import type { ExpectationConfig, ExpectationSuite, ResultFormat } from '../suite-types.js';
import { findExpectation } from './catalogue.js';
import { closeNames } from './close-names.js';
import type { ColumnInfo, ColumnRef, CompileContext, Compiled, ExpectationDefinition } from './types.js';

/** The result format in force for one expectation, after its own `result_format` kwarg. */
export interface ResolvedFormat {
  readonly level: ResultFormat;
  /** 0 BOOLEAN_ONLY, 1 BASIC, 2 SUMMARY, 3 COMPLETE. */
  readonly rank: number;
  readonly partialCount: number;
  readonly keyColumns: readonly string[];
  readonly indexQuery: boolean;
}

export interface PlanEntry {
  readonly index: number;
  readonly config: ExpectationConfig;
  readonly definition: ExpectationDefinition;
  readonly format: ResolvedFormat;
  readonly compiled?: Compiled;
  /** Set when the expectation could not be compiled or evaluated; it then fails with exception_info. */
  error?: KilnError;
  readonly keys: readonly ColumnRef[];
  readonly aggregates: ReadonlySet<string>;
  readonly windows: ReadonlySet<string>;
  /** Aggregate-level SQL this expectation reads back, by output name. */
  readonly outputs: ReadonlyMap<string, string>;
}

export interface ScanPlan {
  /** The relation, quoted. */
  readonly relation: string;
  readonly rowCountAlias: string;
  readonly aggregates: ReadonlyMap<string, string>;
  readonly windows: ReadonlyMap<string, string>;
  readonly entries: readonly PlanEntry[];
}

/** The column that numbers rows in relation order, for order-sensitive windows. */
export const ROW_ORDINAL = '__kiln_row';

const RANKS: Readonly<Record<ResultFormat, number>> = { BOOLEAN_ONLY: 0, BASIC: 1, SUMMARY: 2, COMPLETE: 3 };

export interface FormatDefaults {
  readonly resultFormat: ResultFormat;
  readonly partialLimit: number;
  readonly keyColumns: readonly string[];
}

function resolveFormat(kwarg: unknown, defaults: FormatDefaults): ResolvedFormat {
  let level = defaults.resultFormat;
  let partialCount = defaults.partialLimit;
  let keyColumns = defaults.keyColumns;
  let indexQuery = true;
  if (typeof kwarg === 'string') level = kwarg as ResultFormat;
  else if (typeof kwarg === 'object' && kwarg !== null) {
    const o = kwarg as Record<string, unknown>;
    level = o.result_format as ResultFormat;
    if (typeof o.partial_unexpected_count === 'number') partialCount = o.partial_unexpected_count;
    if (Array.isArray(o.unexpected_index_column_names))
      keyColumns = o.unexpected_index_column_names as string[];
    if (typeof o.return_unexpected_index_query === 'boolean') indexQuery = o.return_unexpected_index_query;
  }
  return { level, rank: RANKS[level], partialCount, keyColumns, indexQuery };
}

/** Resolves a column name against the relation's schema, or throws COLUMN_NOT_FOUND. */
export function resolveColumn(columns: readonly ColumnInfo[], name: string, relation: string): ColumnRef {
  const found = columns.find((c) => c.name === name);
  if (!found) {
    const close = closeNames(
      name,
      columns.map((c) => c.name),
    );
    throw new KilnError(
      'COLUMN_NOT_FOUND',
      `column "${name}" is not in ${relation}${close.length > 0 ? `; did you mean ${close.map((c) => `"${c}"`).join(', ')}?` : ''}`,
      { column: name, relation, available: columns.map((c) => c.name) },
    );
  }
  return { name: found.name, sql: quoteIdent(found.name), type: found.type };
}

/** Compiles every expectation of the suite against the relation's columns. */
export function compileSuite(
  suite: ExpectationSuite,
  relation: string,
  columns: readonly ColumnInfo[],
  defaults: FormatDefaults,
): ScanPlan {
  const aggregates = new Map<string, string>();
  const aggregateBySql = new Map<string, string>();
  const windows = new Map<string, string>();
  const windowBySql = new Map<string, string>();
  let nextAggregate = 0;
  let nextWindow = 0;

  const addAggregate = (sql: string, created: string[]): string => {
    let alias = aggregateBySql.get(sql);
    if (!alias) {
      alias = `a${nextAggregate++}`;
      aggregateBySql.set(sql, alias);
      aggregates.set(alias, sql);
      created.push(alias);
    }
    return alias;
  };
  const rowCountAlias = addAggregate('count(*)', []);

  const entries: PlanEntry[] = suite.expectations.map((config, index) => {
    const definition = findExpectation(config.type);
    if (!definition)
      throw new KilnError('SUITE_INVALID', `expectations[${index}]: unknown type "${config.type}"`);
    const format = resolveFormat(config.kwargs.result_format, defaults);
    const usedAggregates = new Set<string>([rowCountAlias]);
    const usedWindows = new Set<string>();
    const outputs = new Map<string, string>();
    const created: string[] = [];
    const createdWindows: string[] = [];
    const ctx: CompileContext = {
      relation: quoteIdent(relation),
      columns,
      column: (name) => resolveColumn(columns, name, relation),
      aggregate: (sql) => {
        const alias = addAggregate(sql, created);
        usedAggregates.add(alias);
        return alias;
      },
      window: (make) => {
        const sql = make(ROW_ORDINAL);
        let alias = windowBySql.get(sql);
        if (!alias) {
          alias = `__kiln_w${nextWindow++}`;
          windowBySql.set(sql, alias);
          windows.set(alias, sql);
          createdWindows.push(alias);
        }
        usedWindows.add(alias);
        return alias;
      },
    };
    try {
      const keys = format.keyColumns.map((k) => resolveColumn(columns, k, relation));
      const compiled = definition.compile(config.kwargs, ctx);
      if (compiled.kind === 'map') {
        const domain = ctx.aggregate(`count(*) FILTER (WHERE ${compiled.domain})`);
        outputs.set(`e${index}_n`, domain);
        if (compiled.duplicateKeys !== undefined) {
          // Uniqueness: the scan counts distinct keys; only when fewer than the rows does a second
          // query count the rows of repeated keys (see duplicatesSql).
          const keys = compiled.duplicateKeys;
          const key = keys.length === 1 ? keys[0] : `row(${keys.join(', ')})`;
          outputs.set(
            `e${index}_distinct`,
            ctx.aggregate(`count(DISTINCT ${key}) FILTER (WHERE ${compiled.domain})`),
          );
        } else {
          const unexpected = ctx.aggregate(
            `count(*) FILTER (WHERE (${compiled.domain}) AND NOT coalesce((${compiled.condition}), FALSE))`,
          );
          outputs.set(`e${index}_u`, unexpected);
        }
      } else if (compiled.kind === 'aggregate') {
        outputs.set(`e${index}_obs`, compiled.observed);
        outputs.set(`e${index}_ok`, compiled.success);
        Object.entries(compiled.details ?? {}).forEach(([, sql], k) => {
          outputs.set(`e${index}_d${k}`, sql);
        });
      }
      return {
        index,
        config,
        definition,
        format,
        compiled,
        keys,
        aggregates: usedAggregates,
        windows: usedWindows,
        outputs,
      };
    } catch (e) {
      for (const alias of created) {
        aggregateBySql.delete(aggregates.get(alias) ?? '');
        aggregates.delete(alias);
      }
      for (const alias of createdWindows) {
        windowBySql.delete(windows.get(alias) ?? '');
        windows.delete(alias);
      }
      return {
        index,
        config,
        definition,
        format,
        error: toKilnError(e),
        keys: [],
        aggregates: new Set(),
        windows: new Set(),
        outputs,
      };
    }
  });
  return { relation: quoteIdent(relation), rowCountAlias, aggregates, windows, entries };
}

/** The FROM clause: the relation, with the given window columns (and the row ordinal) when any. */
export function fromSql(plan: ScanPlan, windowAliases: Iterable<string>): string {
  const used = [...new Set(windowAliases)];
  if (used.length === 0) return plan.relation;
  const columns = used.map((alias) => `${plan.windows.get(alias)} AS ${alias}`).join(', ');
  // row_number() OVER () streams in scan order; every order-sensitive window orders by it explicitly,
  // so parallel window evaluation cannot reorder rows under it.
  const ordered = `(SELECT *, row_number() OVER () AS ${ROW_ORDINAL} FROM ${plan.relation}) AS __kiln_ordered`;
  return `(SELECT *, ${columns} FROM ${ordered}) AS __kiln_rows`;
}

/** The one aggregate query for the given entries (all of them for the scan; one when isolating). */
export function scanSql(plan: ScanPlan, entries: readonly PlanEntry[]): string {
  const aggregates = new Set<string>([plan.rowCountAlias]);
  const windows = new Set<string>();
  const outputs: string[] = [`${plan.rowCountAlias} AS row_count`];
  for (const entry of entries) {
    for (const a of entry.aggregates) aggregates.add(a);
    // Uniqueness is counted with DISTINCT in the scan: its window columns stay out of it.
    if (duplicateKeysOf(entry) === undefined) for (const w of entry.windows) windows.add(w);
    for (const [name, sql] of entry.outputs) outputs.push(`${sql} AS ${name}`);
  }
  const inner = [...aggregates]
    .map((alias) => `${plan.aggregates.get(alias)} AS ${alias}`)
    .join(',\n       ');
  return `SELECT ${outputs.join(',\n       ')}\nFROM (SELECT ${inner}\n      FROM ${fromSql(plan, windows)}) AS __kiln_agg`;
}

/** The key expressions of a uniqueness expectation (counted by {@link duplicatesSql}), else undefined. */
export function duplicateKeysOf(entry: PlanEntry): readonly string[] | undefined {
  return entry.compiled?.kind === 'map' ? entry.compiled.duplicateKeys : undefined;
}

/**
 * The unexpected counts of uniqueness expectations whose scan found fewer distinct keys than rows:
 * for each, the rows of its domain whose key occurs more than once (GX's count), as `u<index>`.
 * ONE `GROUP BY GROUPING SETS` pass serves them all (one read of the relation however many keys);
 * the groups of each key set are told apart by `grouping(…)`, and each domain is checked per group
 * (it reads only the keys, so it is constant within a group).
 */
export function duplicatesSql(plan: ScanPlan, entries: readonly PlanEntry[]): string {
  const counts = entries.flatMap((entry) => {
    const keys = duplicateKeysOf(entry);
    return keys !== undefined && entry.compiled?.kind === 'map'
      ? [{ index: entry.index, keys, domain: entry.compiled.domain }]
      : [];
  });
  if (counts.length === 0) throw new Error('duplicatesSql needs at least one uniqueness expectation');
  const allKeys = [...new Set(counts.flatMap((c) => c.keys))];
  const sets = [...new Map(counts.map((c) => [JSON.stringify([...c.keys].sort()), c.keys])).values()];
  // grouping(k1, …, kn): bit (n-1-i) is set when k_i is NOT grouped in the row's set.
  const groupingId = (keys: readonly string[]): number =>
    allKeys.reduce((id, k, i) => (keys.includes(k) ? id : id + 2 ** (allKeys.length - 1 - i)), 0);
  const domains = counts.map((c, i) => `(${c.domain}) AS __kiln_d${i}`).join(', ');
  const grouped =
    `SELECT grouping(${allKeys.join(', ')}) AS __kiln_g, count(*) AS __kiln_n, ${domains} ` +
    `FROM ${plan.relation} GROUP BY GROUPING SETS (${sets.map((s) => `(${s.join(', ')})`).join(', ')}) ` +
    'HAVING count(*) > 1';
  const sums = counts
    .map(
      (c, i) =>
        `coalesce(sum(__kiln_n) FILTER (WHERE __kiln_g = ${groupingId(c.keys)} AND coalesce(__kiln_d${i}, FALSE)), 0) AS u${c.index}`,
    )
    .join(', ');
  return `SELECT ${sums} FROM (${grouped})`;
}
