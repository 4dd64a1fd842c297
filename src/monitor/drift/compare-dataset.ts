/**
 * @module monitor/drift/compare-dataset
 * Dataset-level drift: compares each column, optionally corrects the p-value tests for multiple
 * testing (Bonferroni or Benjamini–Hochberg over the columns whose test is a p-value test), and
 * reports dataset drift when the share of drifted columns is at least `driftShare` (Evidently's
 * `DatasetDriftMetric`, default 0.5). Columns with insufficient data are listed, take no part in
 * the correction and do not count in the share's denominator.
 */

import { invalid } from '../../core/errors.js';
import type { ColumnDriftResult, CompareColumnOptions } from './compare-column.js';
import { compareColumn } from './compare-column.js';
import { DRIFT_TESTS } from './drift-tests.js';
import type { CategoricalInput, NumericInput } from './prepare.js';

export type PValueCorrection = 'none' | 'bonferroni' | 'benjamini-hochberg';

export interface DatasetColumnInput extends CompareColumnOptions {
  readonly column: string;
  readonly reference: NumericInput | CategoricalInput;
  readonly current: NumericInput | CategoricalInput;
}

export interface DatasetDriftOptions {
  /** Dataset drift when drifted columns / compared columns >= this. Default 0.5. */
  readonly driftShare?: number;
  /** Multiple-testing correction of the p-value tests. Default 'none'. */
  readonly correction?: PValueCorrection;
}

export interface DatasetDriftResult {
  readonly columns: readonly ColumnDriftResult[];
  /** Columns with a verdict (status ok). */
  readonly number_of_columns: number;
  readonly number_of_drifted_columns: number;
  /** drifted / compared; 0 when no column could be compared. */
  readonly share_of_drifted_columns: number;
  readonly drift_share: number;
  readonly dataset_drift: boolean;
  readonly correction: PValueCorrection;
  /** Columns without a verdict (insufficient data). */
  readonly insufficient_columns: readonly string[];
}

const CORRECTIONS: readonly PValueCorrection[] = ['none', 'bonferroni', 'benjamini-hochberg'];

/**
 * Adjusted p-values, in input order. Bonferroni: min(1, p·m). Benjamini–Hochberg:
 * p_(i)·m/i made monotone from the largest rank down, capped at 1.
 */
export function adjustPValues(pValues: readonly number[], method: PValueCorrection): number[] {
  const m = pValues.length;
  if (method === 'none' || m === 0) return [...pValues];
  if (method === 'bonferroni') return pValues.map((p) => Math.min(1, p * m));
  const order = pValues.map((_, i) => i).sort((a, b) => pValues[a] - pValues[b]);
  const out = new Array<number>(m);
  let running = 1;
  for (let rank = m; rank >= 1; rank--) {
    const i = order[rank - 1];
    running = Math.min(running, (pValues[i] * m) / rank);
    out[i] = running;
  }
  return out;
}

function validateOptions(options: DatasetDriftOptions): { driftShare: number; correction: PValueCorrection } {
  const driftShare = options.driftShare ?? 0.5;
  if (typeof driftShare !== 'number' || !(driftShare > 0 && driftShare <= 1)) {
    throw invalid('driftShare', 'a number in (0, 1]', driftShare, 'DRIFT_INPUT_INVALID');
  }
  const correction = options.correction ?? 'none';
  if (!CORRECTIONS.includes(correction)) {
    throw invalid('correction', CORRECTIONS.join(', '), correction, 'DRIFT_INPUT_INVALID');
  }
  return { driftShare, correction };
}

/** Dataset verdict from column results already computed (exact or sketch). */
export function summarizeDataset(
  results: readonly ColumnDriftResult[],
  options: DatasetDriftOptions = {},
): DatasetDriftResult {
  const { driftShare, correction } = validateOptions(options);
  const pIndex: number[] = [];
  results.forEach((r, i) => {
    if (r.status === 'ok' && r.score_type === 'p_value') pIndex.push(i);
  });
  const adjusted = adjustPValues(
    pIndex.map((i) => results[i].statistic as number),
    correction,
  );
  const columns = results.map((r) => r);
  if (correction !== 'none') {
    pIndex.forEach((i, k) => {
      const r = results[i];
      const p = adjusted[k];
      columns[i] = { ...r, p_value_adjusted: p, drifted: DRIFT_TESTS[r.test].drifted(p, r.threshold) };
    });
  }
  const compared = columns.filter((r) => r.status === 'ok');
  const drifted = compared.filter((r) => r.drifted).length;
  const share = compared.length === 0 ? 0 : drifted / compared.length;
  return {
    columns,
    number_of_columns: compared.length,
    number_of_drifted_columns: drifted,
    share_of_drifted_columns: share,
    drift_share: driftShare,
    dataset_drift: compared.length > 0 && share >= driftShare,
    correction,
    insufficient_columns: columns.filter((r) => r.status !== 'ok').map((r) => r.column ?? ''),
  };
}

/** Compares every column and decides dataset drift. Throws DRIFT_INPUT_INVALID on bad input. */
export function compareDataset(
  columns: readonly DatasetColumnInput[],
  options: DatasetDriftOptions = {},
): DatasetDriftResult {
  if (!Array.isArray(columns) || columns.length === 0) {
    throw invalid('columns', 'a non-empty array of columns', columns, 'DRIFT_INPUT_INVALID');
  }
  validateOptions(options);
  const seen = new Set<string>();
  for (const c of columns) {
    if (typeof c?.column !== 'string' || c.column === '') {
      throw invalid('columns[].column', 'a non-empty column name', c?.column, 'DRIFT_INPUT_INVALID');
    }
    if (seen.has(c.column))
      throw invalid('columns[].column', 'unique column names', c.column, 'DRIFT_INPUT_INVALID');
    seen.add(c.column);
  }
  const results = columns.map((c) => compareColumn(c.reference, c.current, c));
  return summarizeDataset(results, options);
}
