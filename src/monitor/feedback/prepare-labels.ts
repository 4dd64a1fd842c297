/**
 * @module monitor/feedback/prepare-labels
 * Turns the loaded batch (`feedback_in`) into the table `feedback_labels`: `key` (text), `row`
 * (integer or null), `label_num` (the label as a finite number, or null), `label_text` (the label's
 * text form) and `ordinal` (the data row, from 0). Refuses, naming the data rows (from 1), keys or
 * labels that are missing and `row` values that are not row indexes. When a key (and row) appears
 * more than once in the batch the last one is kept; the others are counted as duplicates.
 *
 * `label_num`: numbers as they are; booleans 1/0; text that reads as a number, or `true`/`false`
 * (any case), likewise; anything else (`fraud`) null — such labels serve classification through a
 * positive label.
 */
import { KilnError } from '../../core/errors.js';
import { type DuckEngine, quoteIdent } from '../../store/duckdb/duck-engine.js';
import { FEEDBACK_TABLE, LABEL_COLUMN, ROW_COLUMN } from './load-feedback.js';

export const LABELS_TABLE = 'feedback_labels';

const NUMERIC =
  /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL.*)$/;
const TEXTUAL = /^(VARCHAR|DATE|TIME|TIMESTAMP.*|UUID)$/;

export interface PreparedLabels {
  /** Rows kept (one per key and row). */
  readonly rows: number;
  /** Rows dropped because a later row of the batch had the same key (and row). */
  readonly duplicates: number;
}

export async function prepareLabels(
  duck: DuckEngine,
  key: string,
  columns: ReadonlyMap<string, string>,
): Promise<PreparedLabels> {
  const labelType = columns.get(LABEL_COLUMN) ?? 'VARCHAR';
  const keyType = columns.get(key) ?? 'VARCHAR';
  for (const [name, type] of [
    [key, keyType],
    [LABEL_COLUMN, labelType],
  ] as const) {
    if (!NUMERIC.test(type) && !TEXTUAL.test(type) && type !== 'BOOLEAN') {
      throw new KilnError(
        'INVALID_ARGUMENT',
        `feedback: column "${name}" must hold numbers, booleans or text, got ${type}`,
        { field: name, type },
      );
    }
  }
  const k = quoteIdent(key);
  const label = quoteIdent(LABEL_COLUMN);
  const hasRow = columns.has(ROW_COLUMN) && key !== ROW_COLUMN;
  const row = hasRow ? quoteIdent(ROW_COLUMN) : 'NULL';
  const num =
    labelType === 'BOOLEAN'
      ? `CASE WHEN ${label} THEN 1.0 ELSE 0.0 END`
      : NUMERIC.test(labelType)
        ? `CAST(${label} AS DOUBLE)`
        : `COALESCE(TRY_CAST(trim(CAST(${label} AS VARCHAR)) AS DOUBLE), ` +
          `CASE lower(trim(CAST(${label} AS VARCHAR))) WHEN 'true' THEN 1.0 WHEN 'false' THEN 0.0 END)`;
  const src = quoteIdent(FEEDBACK_TABLE);
  await duck.run(
    `CREATE TEMP TABLE staged AS SELECT rowid AS ordinal, CAST(${k} AS VARCHAR) AS "key", ` +
      `${row} AS raw_row, CAST(${label} AS VARCHAR) AS label_text, ${num} AS label_num FROM ${src}`,
  );
  await refuse(duck, `"key" IS NULL OR "key" = ''`, `column "${key}" (the key) is empty`, key);
  await refuse(duck, 'label_text IS NULL', `column "${LABEL_COLUMN}" is empty`, LABEL_COLUMN);
  if (hasRow) {
    await refuse(
      duck,
      'raw_row IS NOT NULL AND (TRY_CAST(raw_row AS INTEGER) IS NULL OR TRY_CAST(raw_row AS INTEGER) < 0 ' +
        'OR TRY_CAST(raw_row AS DOUBLE) <> TRY_CAST(raw_row AS INTEGER))',
      `column "${ROW_COLUMN}" (the row within the request) must be an integer ≥ 0`,
      ROW_COLUMN,
    );
  }
  await duck.run(
    `CREATE TEMP TABLE ${LABELS_TABLE} AS SELECT ordinal, "key", TRY_CAST(raw_row AS INTEGER) AS "row", ` +
      'CASE WHEN isfinite(label_num) THEN label_num END AS label_num, label_text, "key" AS shown_key FROM staged ' +
      'QUALIFY row_number() OVER (PARTITION BY "key", TRY_CAST(raw_row AS INTEGER) ORDER BY ordinal DESC) = 1',
  );
  const r = await duck.query(
    `SELECT (SELECT count(*) FROM staged) AS total, (SELECT count(*) FROM ${LABELS_TABLE}) AS kept`,
  );
  await duck.run('DROP TABLE staged');
  const total = Number(r.rows[0]?.total ?? 0);
  const kept = Number(r.rows[0]?.kept ?? 0);
  return { rows: kept, duplicates: total - kept };
}

/** Throws INVALID_ARGUMENT naming up to 5 data rows (from 1) where `where` holds. */
async function refuse(duck: DuckEngine, where: string, problem: string, field: string): Promise<void> {
  const r = await duck.query(
    `SELECT count(*) AS n, list(ordinal + 1 ORDER BY ordinal)[1:5] AS first FROM staged WHERE ${where}`,
  );
  const n = Number(r.rows[0]?.n ?? 0);
  if (n === 0) return;
  const first = (r.rows[0]?.first as bigint[] | null)?.map(Number) ?? [];
  throw new KilnError(
    'INVALID_ARGUMENT',
    `feedback: ${problem} on ${n} row${n > 1 ? 's' : ''} (data row${first.length > 1 ? 's' : ''} ${first.join(', ')}${n > first.length ? ', …' : ''})`,
    { field, rows: first, count: n },
  );
}
