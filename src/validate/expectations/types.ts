/**
 * @module validate/expectations/types
 * The contract every expectation in Kiln's catalogue fulfils: its Great Expectations name and kwargs
 * (checked when a suite is parsed), and a `compile` step that turns one configured expectation into
 * SQL fragments for the single aggregate scan (see `plan.ts`) — or into an answer straight from the
 * relation's schema when no data is needed.
 */

/** GX's expectation families, which decide how a result is shaped. */
export type ExpectationFamily = 'table' | 'column_map' | 'column_aggregate' | 'multi_column_map';

/** What a kwarg may hold; each kind has one checker in `kwargs.ts`. */
export type KwargKind =
  | 'column'
  | 'column_list'
  | 'boolean'
  | 'count'
  | 'number'
  | 'bound'
  | 'count_bound'
  | 'proportion_bound'
  | 'value_set'
  | 'regex'
  | 'regex_list'
  | 'like_pattern'
  | 'like_pattern_list'
  | 'type_name'
  | 'type_list'
  | 'enum'
  | 'quantile_ranges'
  | 'mostly'
  | 'result_format'
  | 'any';

export interface KwargSpec {
  readonly kind: KwargKind;
  readonly required?: boolean;
  /** The allowed values of an `enum` kwarg; the first is the default. */
  readonly values?: readonly string[];
  /** The value used when the kwarg is absent (documentation and compile use the same one). */
  readonly default?: unknown;
  /** One line for the catalogue table in docs/expectations.md. */
  readonly doc?: string;
}

export type Kwargs = Readonly<Record<string, unknown>>;

/** A column of the relation under validation, as `DESCRIBE` reports it. */
export interface ColumnInfo {
  readonly name: string;
  readonly type: string;
}

/** A resolved column: its quoted identifier and DuckDB type. */
export interface ColumnRef {
  readonly name: string;
  readonly sql: string;
  readonly type: string;
}

/**
 * What `compile` may ask of the planner. Aggregates and window columns are deduplicated across the
 * suite, so two expectations on `count(amount)` share one aggregate in the scan.
 */
export interface CompileContext {
  /** The relation, quoted (for expectations that count with a subquery of their own). */
  readonly relation: string;
  readonly columns: readonly ColumnInfo[];
  /** Resolves a column; throws `COLUMN_NOT_FOUND` (with close names) when the relation lacks it. */
  column(name: string): ColumnRef;
  /** Registers an aggregate over the relation; returns the name to use in aggregate-level SQL. */
  aggregate(sql: string): string;
  /**
   * Registers a window column computed per row before the scan aggregates; returns the name to use
   * in row-level SQL. `ordinal` is the column that holds the row's position in the relation.
   */
  window(sql: (ordinal: string) => string): string;
}

/** Answered from the schema alone: no query. */
export interface StaticCompiled {
  readonly kind: 'static';
  readonly success: boolean;
  readonly observed_value: unknown;
  readonly details?: Readonly<Record<string, unknown>>;
}

/**
 * A row-wise ("map") expectation. A row is in the domain when `domain` holds (GX: not missing) and
 * is unexpected when `condition` is not true for it (false or NULL).
 */
export interface MapCompiled {
  readonly kind: 'map';
  /** Columns whose values make up an unexpected value (one: scalar; two: pair; more: record). */
  readonly columns: readonly ColumnRef[];
  readonly shape: 'scalar' | 'pair' | 'record';
  readonly domain: string;
  readonly condition: string;
  /**
   * False for `expect_column_values_to_(not_)be_null`, whose domain is every row: GX then reports no
   * missing fields and takes `mostly` over all rows.
   */
  readonly reportsMissing: boolean;
  /**
   * For uniqueness: the key expressions whose repeated values make a row unexpected. The scan then
   * counts `count(DISTINCT key)` over the domain instead of the row-wise condition; a follow-up
   * `GROUP BY … HAVING count(*) > 1` query counts the unexpected rows only when some key repeats
   * (plan.ts `duplicatesSql`). The domain must read only these keys (it is checked per group). The
   * row-wise `condition` (with its windows) still serves the detail queries and quarantine.
   */
  readonly duplicateKeys?: readonly string[];
}

/** An aggregate expectation: `observed` and `success` are SQL over the aggregate row. */
export interface AggregateCompiled {
  readonly kind: 'aggregate';
  readonly observed: string;
  readonly success: string;
  /** Extra SQL values reported under `result.details`, by name. */
  readonly details?: Readonly<Record<string, string>>;
  /** Rewrites the fetched observed value and details (e.g. pairs quantiles with their values). */
  readonly finish?: (
    observed: unknown,
    details: Readonly<Record<string, unknown>>,
  ) => { observed_value: unknown; details?: Readonly<Record<string, unknown>> };
}

export type Compiled = StaticCompiled | MapCompiled | AggregateCompiled;

/** One expectation type of the catalogue. */
export interface ExpectationDefinition {
  readonly type: string;
  readonly family: ExpectationFamily;
  /** What the expectation promises, one sentence, for docs and `--help`. */
  readonly description: string;
  /** The expectation's own kwargs (the common `result_format`, `mostly`… are added by the family). */
  readonly kwargs: Readonly<Record<string, KwargSpec>>;
  /** Rules that span kwargs (min ≤ max, lists of equal length); returns a message when broken. */
  readonly check?: (kwargs: Kwargs) => string | undefined;
  readonly compile: (kwargs: Kwargs, ctx: CompileContext) => Compiled;
}
