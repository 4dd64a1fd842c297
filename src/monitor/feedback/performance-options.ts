/**
 * @module monitor/feedback/performance-options
 * The options of a performance report, checked once: times in order, a window of at least 1 ms,
 * a finite threshold, a known task, non-empty column and label names.
 */
import { invalid } from '../../core/errors.js';
import { PERFORMANCE_TASKS, type PerformanceTask } from './performance-report.js';

export interface PerformanceOptions {
  readonly from?: Date;
  readonly to?: Date;
  /** Window length in ms; default: one window over the whole range. */
  readonly windowMs?: number;
  /** The score column (default: the deployment's `score_output`). */
  readonly scoreOutput?: string;
  /** Decision threshold (default: the deployment's, else 0.5). */
  readonly threshold?: number;
  readonly task?: PerformanceTask;
  /** The label value that is the positive class (for text labels such as `fraud`). */
  readonly positiveLabel?: string;
}

/** Returns the options unchanged, or throws INVALID_ARGUMENT naming the first bad one. */
export function checkPerformanceOptions(o: PerformanceOptions): PerformanceOptions {
  for (const f of ['from', 'to'] as const) {
    const d = o[f];
    if (d !== undefined && (!(d instanceof Date) || Number.isNaN(d.getTime())))
      throw invalid(f, 'an ISO time', d);
  }
  if (o.from && o.to && o.from.getTime() >= o.to.getTime()) {
    throw invalid('to', `a time after from (${o.from.toISOString()})`, o.to.toISOString());
  }
  if (o.windowMs !== undefined && (!Number.isSafeInteger(o.windowMs) || o.windowMs < 1)) {
    throw invalid('window', 'a duration of at least 1 ms', o.windowMs);
  }
  if (o.threshold !== undefined && (typeof o.threshold !== 'number' || !Number.isFinite(o.threshold))) {
    throw invalid('threshold', 'a finite number', o.threshold);
  }
  if (o.task !== undefined && !PERFORMANCE_TASKS.includes(o.task)) {
    throw invalid('task', `one of ${PERFORMANCE_TASKS.join(', ')}`, o.task);
  }
  if (o.scoreOutput !== undefined && (typeof o.scoreOutput !== 'string' || o.scoreOutput === '')) {
    throw invalid('score_output', 'a column name', o.scoreOutput);
  }
  if (o.positiveLabel !== undefined && (typeof o.positiveLabel !== 'string' || o.positiveLabel === '')) {
    throw invalid('positive_label', 'a label value', o.positiveLabel);
  }
  return o;
}
