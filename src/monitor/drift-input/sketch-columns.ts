/**
 * @module monitor/drift-input/sketch-columns
 * Bounded-memory loading for sketch mode: the relation is streamed chunk by chunk (DuckDB's 2048-row
 * vectors) into one mergeable sketch per column, so memory depends on the sketch sizes, not on the
 * row count. A reference's numeric histogram edges are fixed first, from DuckDB's min, max and count
 * of the finite values (Sturges' rule over the reference alone, as `NumericColumnSketch` expects);
 * the current side's sketches are `emptyLike()` copies of the reference's, so both share bins.
 * Categorical columns are counted by DuckDB and fed to the sketch in blocks.
 */
import { KilnError } from '../../core/errors.js';
import type { DuckEngine } from '../../store/duckdb/duck-engine.js';
import { quoteIdent, toJsonValue } from '../../store/duckdb/duck-engine.js';
import { CategoricalColumnSketch, NumericColumnSketch, sturgesEdges } from '../drift/drift-stats.js';
import type { ColumnRequest } from './load-columns.js';
import { categoryCounts, duck, forEachDoubleChunk } from './load-columns.js';

export interface SketchedNumeric {
  readonly name: string;
  readonly kind: 'numeric';
  readonly sketch: NumericColumnSketch;
  /** NULLs (the sketch counts them as non-finite; the comparison moves them back). */
  readonly nulls: number;
}

export interface SketchedCategorical {
  readonly name: string;
  readonly kind: 'categorical';
  readonly sketch: CategoricalColumnSketch;
  readonly counts: ReadonlyMap<string | null, number>;
}

export type SketchedColumn = SketchedNumeric | SketchedCategorical;

export interface SketchedSide {
  readonly rows: number;
  readonly columns: SketchedColumn[];
}

const BLOCK = 65_536;

/**
 * Sketches one side. With `reference` (the reference side's result), the current side's sketches
 * are built with the same configuration and edges.
 */
export async function sketchColumns(
  engine: DuckEngine,
  relation: string,
  requests: readonly ColumnRequest[],
  field: string,
  reference?: SketchedSide,
): Promise<SketchedSide> {
  const numeric = requests.filter((r) => r.kind === 'numeric');
  const sketches = new Map<string, NumericColumnSketch>();
  if (reference) {
    for (const c of reference.columns) if (c.kind === 'numeric') sketches.set(c.name, c.sketch.emptyLike());
  } else if (numeric.length > 0) {
    const edges = await referenceEdges(engine, relation, numeric, field);
    numeric.forEach((r, i) => {
      sketches.set(r.name, new NumericColumnSketch(edges[i] ? { edges: edges[i] } : {}));
    });
  }
  const out = new Map<string, SketchedColumn>();
  let rows: number | null = null;
  if (numeric.length > 0) {
    const streamed = await streamNumeric(engine, relation, numeric, field, (name) => {
      const s = sketches.get(name);
      if (!s) throw new KilnError('INTERNAL', `no reference sketch for column ${name}`);
      return s;
    });
    rows = streamed.rows;
    numeric.forEach((r, j) => {
      out.set(r.name, {
        name: r.name,
        kind: 'numeric',
        sketch: sketches.get(r.name) as NumericColumnSketch,
        nulls: streamed.nulls[j],
      });
    });
  }
  for (const r of requests) {
    if (r.kind !== 'categorical') continue;
    const counts = await categoryCounts(engine, relation, r.name, field);
    const refSketch = reference?.columns.find((c) => c.name === r.name);
    const sketch =
      refSketch?.kind === 'categorical' ? refSketch.sketch.emptyLike() : new CategoricalColumnSketch();
    let total = 0;
    for (const [value, n] of counts) {
      total += n;
      for (let left = n; left > 0; left -= BLOCK) sketch.add(new Array(Math.min(left, BLOCK)).fill(value));
    }
    rows ??= total;
    out.set(r.name, { name: r.name, kind: 'categorical', sketch, counts });
  }
  if (rows === null) {
    const r = await duck(field, () => engine.query(`SELECT count(*) AS n FROM ${relation}`));
    rows = Number(toJsonValue(r.rows[0]?.n) ?? 0);
  }
  return { rows, columns: requests.map((r) => out.get(r.name) as SketchedColumn) };
}

/** Sturges edges over each column's finite reference values (undefined for a column without one). */
async function referenceEdges(
  engine: DuckEngine,
  relation: string,
  requests: readonly ColumnRequest[],
  field: string,
): Promise<(Float64Array | undefined)[]> {
  const parts = requests.map((r, i) => {
    const x = `CAST(${quoteIdent(r.name)} AS DOUBLE)`;
    const finite = `FILTER (WHERE isfinite(${x}))`;
    return `min(${x}) ${finite} AS lo${i}, max(${x}) ${finite} AS hi${i}, count(*) ${finite} AS n${i}`;
  });
  const r = await duck(field, () => engine.query(`SELECT ${parts.join(', ')} FROM ${relation}`));
  const row = r.rows[0] ?? {};
  return requests.map((_, i) => {
    const n = Number(toJsonValue(row[`n${i}`]) ?? 0);
    if (n === 0) return undefined;
    return sturgesEdges(Number(row[`lo${i}`]), Number(row[`hi${i}`]), n);
  });
}

async function streamNumeric(
  engine: DuckEngine,
  relation: string,
  requests: readonly ColumnRequest[],
  field: string,
  sketchOf: (name: string) => NumericColumnSketch,
): Promise<{ rows: number; nulls: number[] }> {
  const targets = requests.map((r) => sketchOf(r.name));
  return forEachDoubleChunk(engine, relation, requests, field, (columns) => {
    for (let j = 0; j < targets.length; j++) targets[j].add(columns[j]);
  });
}
