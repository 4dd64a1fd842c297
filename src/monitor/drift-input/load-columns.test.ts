import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KilnError } from '../../core/errors.js';
import { DuckEngine } from '../../store/duckdb/duck-engine.js';
import { expandCounts, loadColumns } from './load-columns.js';
import { sketchColumns } from './sketch-columns.js';

let duck: DuckEngine;

beforeAll(async () => {
  duck = await DuckEngine.open();
  // 5000 rows: more than two DuckDB vectors, so chunk boundaries are crossed
  await duck.run(`CREATE TABLE t AS SELECT
    CASE WHEN i % 100 = 0 THEN NULL WHEN i % 100 = 1 THEN 'NaN'::DOUBLE ELSE i * 0.5 END AS x,
    CAST(i % 7 AS INTEGER) AS n,
    CASE WHEN i % 10 = 0 THEN NULL ELSE 'k' || (i % 3) END AS s,
    (i % 2 = 0) AS b
    FROM range(5000) t(i)`);
});

afterAll(() => duck.close());

describe('loadColumns', () => {
  it('reads numeric columns into Float64Arrays in row order, NULL as NaN and counted apart', async () => {
    const side = await loadColumns(
      duck,
      't',
      [
        { name: 'x', kind: 'numeric' },
        { name: 'n', kind: 'numeric' },
      ],
      'reference',
    );
    expect(side.rows).toBe(5000);
    const [x, n] = side.columns;
    if (x.kind !== 'numeric' || n.kind !== 'numeric') throw new Error('kinds');
    expect(x.values).toBeInstanceOf(Float64Array);
    expect(x.values.length).toBe(5000);
    expect(x.nulls).toBe(50);
    expect(Number.isNaN(x.values[0])).toBe(true);
    expect(Number.isNaN(x.values[1])).toBe(true);
    expect(x.values[4999]).toBe(2499.5);
    expect(n.values[4095]).toBe(4095 % 7);
    expect(n.nulls).toBe(0);
  });

  it('counts categorical columns in DuckDB, most frequent first, NULL kept', async () => {
    const side = await loadColumns(
      duck,
      't',
      [
        { name: 's', kind: 'categorical' },
        { name: 'b', kind: 'categorical' },
      ],
      'current',
    );
    const [s, b] = side.columns;
    if (s.kind !== 'categorical' || b.kind !== 'categorical') throw new Error('kinds');
    expect(s.values.length).toBe(5000);
    expect(s.counts.get(null)).toBe(500);
    expect([...s.counts.values()].reduce((a, c) => a + c, 0)).toBe(5000);
    expect(s.values.filter((v) => v === 'k1').length).toBe(s.counts.get('k1'));
    expect(new Set(b.counts.keys())).toEqual(new Set(['true', 'false']));
  });

  it('turns unreadable relations and failed casts into coded errors', async () => {
    const code = async (p: Promise<unknown>) => {
      try {
        await p;
      } catch (e) {
        expect(e).toBeInstanceOf(KilnError);
        return (e as KilnError).code;
      }
      return 'none';
    };
    expect(
      await code(loadColumns(duck, 'no_such_table', [{ name: 'x', kind: 'numeric' }], 'reference')),
    ).toBe('SOURCE_UNREADABLE');
    expect(await code(loadColumns(duck, 't', [{ name: 's', kind: 'numeric' }], 'reference'))).toBe(
      'CAST_FAILED',
    );
  });

  it('expands counts into one value per row', () => {
    expect(
      expandCounts(
        new Map<string | null, number>([
          ['a', 2],
          [null, 1],
        ]),
        3,
      ),
    ).toEqual(['a', 'a', null]);
  });
});

describe('sketchColumns', () => {
  it('streams into sketches with the same counts as the exact loader, sharing edges with the reference', async () => {
    const req = [
      { name: 'x', kind: 'numeric' as const },
      { name: 's', kind: 'categorical' as const },
    ];
    const ref = await sketchColumns(duck, 't', req, 'reference');
    const cur = await sketchColumns(duck, 't', req, 'current', ref);
    expect(ref.rows).toBe(5000);
    const [x, s] = ref.columns;
    if (x.kind !== 'numeric' || s.kind !== 'categorical') throw new Error('kinds');
    expect(x.nulls).toBe(50);
    expect(x.sketch.counts).toEqual({ total: 5000, used: 4900, nulls: 0, non_finite: 100 });
    expect(s.sketch.counts.used).toBe(4500);
    const cx = cur.columns[0];
    if (cx.kind !== 'numeric') throw new Error('kinds');
    expect(cx.sketch.histogram?.hasSameEdges(x.sketch.histogram as never)).toBe(true);
  });
});
