/**
 * @module monitor/reports/drift-report-types
 * The drift report `compareSides` returns, `kiln drift compare --json` prints and
 * `POST /api/v1/drift/compare` answers (docs/drift-compare.md describes every field). It is plain
 * JSON: it survives `JSON.parse(JSON.stringify(report))` unchanged (see json-safe.ts).
 */
import type { ColumnDriftResult, PValueCorrection } from '../drift/drift-stats.js';
import type { SideSource } from '../drift-input/resolve-side.js';
import type { DriftHistogram } from './drift-histograms.js';
import type { JsonSafe } from './json-safe.js';

export interface DriftSideSummary extends SideSource {
  readonly rows: number;
  /** Columns the side has (compared or not). */
  readonly columns: number;
}

export interface DriftColumnReport extends Omit<ColumnDriftResult, 'all' | 'column'> {
  readonly column: string;
  /** DuckDB types of the column on each side. */
  readonly reference_type: string;
  readonly current_type: string;
  /** Every statistic that applies; ±Infinity appear as "Infinity" / "-Infinity". */
  readonly all: JsonSafe<ColumnDriftResult['all']>;
  readonly histogram: DriftHistogram;
}

export interface DriftReport {
  readonly kind: 'kiln.drift_report';
  readonly format_version: 1;
  readonly created_at: string;
  readonly reference: DriftSideSummary;
  readonly current: DriftSideSummary;
  /** `exact`: every value in memory, statistics as scipy/Evidently. `sketch`: bounded memory, with error bounds. */
  readonly mode: 'exact' | 'sketch';
  /** True when share_of_drifted_columns >= drift_share (and at least one column was compared). */
  readonly dataset_drift: boolean;
  readonly drift_share: number;
  readonly share_of_drifted_columns: number;
  readonly number_of_columns: number;
  readonly number_of_drifted_columns: number;
  readonly correction: PValueCorrection;
  /** Columns without a verdict (no usable value on a side). */
  readonly insufficient_columns: string[];
  readonly columns: DriftColumnReport[];
  readonly reference_only_columns: string[];
  readonly current_only_columns: string[];
  readonly skipped_columns: { readonly column: string; readonly reason: string }[];
  /** Things a reader should know: unseen categories, dropped values, skipped columns. */
  readonly warnings: string[];
  /** Wall time of the comparison, load included. */
  readonly duration_ms: number;
}
