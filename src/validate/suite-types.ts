/**
 * @module validate/suite-types
 * The shapes of an expectation suite and of a validation result, in Great Expectations' own
 * vocabulary (GX 1.x suite `{name, expectations: [{type, kwargs, meta}]}`; GX result fields
 * `element_count`, `unexpected_count`, …) so that a GX user reads them without a glossary.
 */

/** GX's four levels of detail for a result. */
export type ResultFormat = 'BOOLEAN_ONLY' | 'BASIC' | 'SUMMARY' | 'COMPLETE';

/** One expectation: GX's snake_case type name (`expect_column_values_to_not_be_null`) and kwargs. */
export interface ExpectationConfig {
  readonly type: string;
  readonly kwargs: Readonly<Record<string, unknown>>;
  readonly meta?: Readonly<Record<string, unknown>>;
}

export interface ExpectationSuite {
  readonly name: string;
  readonly expectations: readonly ExpectationConfig[];
  readonly meta?: Readonly<Record<string, unknown>>;
}

/**
 * GX's `result` object. Column-map expectations fill the element/unexpected fields; aggregate
 * expectations fill `observed_value`. Which fields appear depends on the result format.
 */
export interface ExpectationResultDetail {
  readonly observed_value?: unknown;
  readonly element_count?: number;
  readonly missing_count?: number;
  readonly missing_percent?: number | null;
  readonly unexpected_count?: number;
  readonly unexpected_percent?: number | null;
  readonly unexpected_percent_total?: number | null;
  readonly unexpected_percent_nonmissing?: number | null;
  readonly partial_unexpected_list?: readonly unknown[];
  readonly partial_unexpected_counts?: readonly { value: unknown; count: number }[];
  /** Values of the declared key columns of (some of) the failing rows. */
  readonly partial_unexpected_index_list?: readonly Readonly<Record<string, unknown>>[];
  /** COMPLETE only: every unexpected value and every failing row's keys. */
  readonly unexpected_list?: readonly unknown[];
  readonly unexpected_index_list?: readonly Readonly<Record<string, unknown>>[];
  /** COMPLETE only: a SQL query that selects the failing rows. */
  readonly unexpected_index_query?: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

export interface ExpectationResult {
  readonly success: boolean;
  readonly expectation_config: ExpectationConfig;
  readonly result: ExpectationResultDetail;
  /** Set when the expectation could not be evaluated (e.g. a missing column, a bad regex). */
  readonly exception_info?: {
    readonly raised_exception: boolean;
    readonly exception_message: string | null;
    readonly code?: string;
  };
}

export interface ValidationStatistics {
  readonly evaluated_expectations: number;
  readonly successful_expectations: number;
  readonly unsuccessful_expectations: number;
  readonly success_percent: number | null;
}

export interface ValidationResult {
  readonly success: boolean;
  readonly suite_name: string;
  readonly results: readonly ExpectationResult[];
  readonly statistics: ValidationStatistics;
  readonly meta: {
    /** What was validated: a file path, a dataset version `name@N`, or a table. */
    readonly data: string;
    readonly row_count: number;
    readonly run_time: string;
    /** How many DuckDB queries the validation took (the aggregate ones run in one scan). */
    readonly queries: number;
    /** Schema lookups (`DESCRIBE`) made before compiling the suite; they read no rows. */
    readonly catalog_queries?: number;
    readonly duration_ms: number;
  };
}
