/**
 * @module ingest/datasets/dataset-diff
 * `kiln data diff a b`: what changed between two dataset versions — schema (columns added,
 * removed, retyped) and statistics (row count, completeness, mean, stddev, min, max, distinct
 * values), read from the profiles stored with each version, so no data is scanned.
 */
import type { ColumnProfile } from '../../validate/profile-types.js';
import type { DatasetVersion } from './dataset-types.js';

export interface StatChange {
  readonly from: number | string | null;
  readonly to: number | string | null;
  /** `to - from` for numbers; null otherwise. */
  readonly delta: number | null;
}

export interface ColumnDiff {
  readonly name: string;
  readonly type: { readonly from: string; readonly to: string } | null;
  readonly stats: Readonly<Record<string, StatChange>>;
}

export interface DatasetDiff {
  readonly from: string;
  readonly to: string;
  readonly rowCount: StatChange;
  readonly added: readonly { name: string; type: string }[];
  readonly removed: readonly { name: string; type: string }[];
  readonly retyped: readonly { name: string; from: string; to: string }[];
  /** Columns present in both, with the statistics that changed (all of them with `all: true`). */
  readonly columns: readonly ColumnDiff[];
}

const STATS = ['completeness', 'approx_distinct', 'min', 'max', 'mean', 'stddev'] as const;

export function diffVersions(
  a: DatasetVersion,
  b: DatasetVersion,
  options: { all?: boolean } = {},
): DatasetDiff {
  const aCols = new Map(a.schema.map((c) => [c.name, c.type]));
  const bCols = new Map(b.schema.map((c) => [c.name, c.type]));
  const aProf = new Map(a.profile.columns.map((c) => [c.name, c]));
  const bProf = new Map(b.profile.columns.map((c) => [c.name, c]));
  const columns: ColumnDiff[] = [];
  const retyped: { name: string; from: string; to: string }[] = [];
  for (const [name, typeA] of aCols) {
    const typeB = bCols.get(name);
    if (typeB === undefined) continue;
    if (typeA !== typeB) retyped.push({ name, from: typeA, to: typeB });
    const stats = statChanges(aProf.get(name), bProf.get(name), options.all === true);
    if (typeA !== typeB || Object.keys(stats).length > 0 || options.all) {
      columns.push({ name, type: typeA === typeB ? null : { from: typeA, to: typeB }, stats });
    }
  }
  return {
    from: a.ref,
    to: b.ref,
    rowCount: change(a.rowCount, b.rowCount),
    added: b.schema.filter((c) => !aCols.has(c.name)).map((c) => ({ ...c })),
    removed: a.schema.filter((c) => !bCols.has(c.name)).map((c) => ({ ...c })),
    retyped,
    columns,
  };
}

function statChanges(
  a: ColumnProfile | undefined,
  b: ColumnProfile | undefined,
  all: boolean,
): Record<string, StatChange> {
  const out: Record<string, StatChange> = {};
  if (!a || !b) return out;
  for (const key of STATS) {
    const from = scalar(a[key]);
    const to = scalar(b[key]);
    if (all || from !== to) out[key] = change(from, to);
  }
  return out;
}

function scalar(v: unknown): number | string | null {
  if (v === undefined || v === null) return null;
  return typeof v === 'number' || typeof v === 'string' ? v : String(v);
}

function change(from: number | string | null, to: number | string | null): StatChange {
  const delta = typeof from === 'number' && typeof to === 'number' ? to - from : null;
  return { from, to, delta };
}
