/**
 * @module validate/profile-types
 * The shape of a data profile: per-column statistics computed by one DuckDB scan (plus one
 * histogram/top-values query per column), stored with each dataset version and used by the
 * suite suggester, `kiln data diff` and the HTML profile report.
 */

export type ColumnKind = 'numeric' | 'string' | 'boolean' | 'temporal' | 'other';

export interface HistogramBin {
  /** Inclusive lower edge; the last bin also includes its upper edge. */
  readonly lower: number;
  readonly upper: number;
  readonly count: number;
}

export interface ColumnProfile {
  readonly name: string;
  /** DuckDB's type name, e.g. `BIGINT`, `DOUBLE`, `VARCHAR`, `TIMESTAMP`. */
  readonly type: string;
  readonly kind: ColumnKind;
  readonly count: number;
  readonly null_count: number;
  /** Share of non-null values, 0…1 (1 when the table is empty). */
  readonly completeness: number;
  /**
   * HyperLogLog estimate (DuckDB `approx_count_distinct`). DuckDB 1.x keeps 64 registers: a
   * relative standard error of about 13 % (1.04/√64), 95 % of estimates within about 30 %.
   */
  readonly approx_distinct: number;
  readonly min?: number | string | null;
  readonly max?: number | string | null;
  readonly mean?: number | null;
  readonly stddev?: number | null;
  /** Quantiles at 0.05, 0.25, 0.5, 0.75, 0.95 (numeric columns). */
  readonly quantiles?: Readonly<Record<string, number | null>>;
  readonly histogram?: readonly HistogramBin[];
  /** Most frequent values with their counts (at most 20), most frequent first. */
  readonly top_values?: readonly { value: unknown; count: number }[];
  /** String lengths (string columns). */
  readonly min_length?: number | null;
  readonly max_length?: number | null;
  readonly mean_length?: number | null;
  /** FLOAT/DOUBLE columns: NaN values (non-null, left out of moments, quantiles and histogram). */
  readonly nan_count?: number;
  /** FLOAT/DOUBLE columns: +Infinity and -Infinity values (left out likewise). */
  readonly infinite_count?: number;
}

export interface DataProfile {
  readonly row_count: number;
  readonly column_count: number;
  readonly columns: readonly ColumnProfile[];
  readonly created_at: string;
  /** How many top values were kept per column. */
  readonly top_k?: number;
  /** The requested histogram bins per numeric column. */
  readonly bins?: number;
  /** `exact` (`quantile_cont`) or `approximate` (t-digest `approx_quantile`). */
  readonly quantile_method?: 'exact' | 'approximate';
}
