/**
 * @module ingest/sources/postgres-source
 * Loads a postgres source: the query (or `SELECT * FROM table`) runs in a READ ONLY, REPEATABLE
 * READ transaction through a server-side cursor (`DECLARE … NO SCROLL CURSOR`, `FETCH n`), so
 * memory stays bounded by `fetch_size` rows. Each chunk is appended, as PostgreSQL's text output,
 * to an all-VARCHAR staging table with DuckDB's appender; one final `CAST` per column builds the
 * typed table (types from the result's field OIDs, see `pg-types.ts`). The appender measured about
 * ten times faster than multi-row INSERTs with bound parameters (50,000 rows: 0.2 s against 2.1 s).
 *
 * Errors: SOURCE_UNREACHABLE (no URL, cannot connect or authenticate), SOURCE_UNREADABLE (the
 * query fails, or returns one column name twice). The URL's password never appears in a message.
 */
import pg from 'pg';
import { KilnError } from '../../core/errors.js';
import { quoteIdent } from '../../store/duckdb/duck-engine.js';
import type { PostgresSourceSpec } from '../pipeline/spec-types.js';
import { duckTypeForPgOid, redactPassword, redactUrl } from './pg-types.js';
import { type LoadedSource, type SourceContext, sourceWhere } from './source.js';

/** Every value arrives as PostgreSQL's text form; DuckDB does the typing. */
const TEXT_TYPES = {
  getTypeParser: () => (value: string) => value,
} as unknown as pg.CustomTypesConfig;

export async function loadPostgresSource(
  ctx: SourceContext,
  name: string,
  spec: PostgresSourceSpec,
): Promise<LoadedSource> {
  const where = sourceWhere(spec.location, name);
  const url = spec.url ?? (spec.url_env ? ctx.env[spec.url_env] : undefined);
  if (!url) {
    throw new KilnError(
      'SOURCE_UNREACHABLE',
      `${where}: environment variable ${spec.url_env} is not set (it should hold the PostgreSQL URL)`,
      { source: name, url_env: spec.url_env },
    );
  }
  const query = spec.query ?? `SELECT * FROM ${spec.table?.split('.').map(pgIdent).join('.')}`;
  const shownUrl = redactUrl(url);
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000, types: TEXT_TYPES });
  client.on('error', () => {}); // a dropped connection surfaces as a failed query below
  try {
    await client.connect();
  } catch (e) {
    await client.end().catch(() => {});
    throw new KilnError(
      'SOURCE_UNREACHABLE',
      `${where}: cannot connect to PostgreSQL at ${shownUrl}: ${redactPassword(errorText(e), url)}`,
      { source: name, url: shownUrl },
    );
  }
  const stage = `__kiln_stage_${name}`;
  let staged = false;
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    await client.query("SET LOCAL TimeZone = 'UTC'");
    await client.query("SET LOCAL DateStyle = 'ISO, YMD'");
    await client.query('SET LOCAL extra_float_digits = 3');
    await client.query(`DECLARE kiln_source NO SCROLL CURSOR FOR ${query}`);
    let columns: { name: string; type: string }[] = [];
    for (;;) {
      const chunk = await client.query<unknown[]>({
        text: `FETCH FORWARD ${spec.fetch_size} FROM kiln_source`,
        rowMode: 'array',
      });
      if (!staged) {
        columns = chunk.fields.map((f) => ({ name: f.name, type: duckTypeForPgOid(f.dataTypeID) }));
        assertDistinct(where, name, columns);
        const defs = columns.map((c) => `${quoteIdent(c.name)} VARCHAR`).join(', ');
        await ctx.duck.run(`CREATE TEMP TABLE ${quoteIdent(stage)} (${defs})`);
        staged = true;
      }
      await appendRows(ctx, stage, chunk.rows);
      if (chunk.rows.length < spec.fetch_size) break;
    }
    await client.query('COMMIT');
    const select = columns.map((c) => `CAST(${quoteIdent(c.name)} AS ${c.type}) AS ${quoteIdent(c.name)}`);
    await ctx.duck.run(
      `CREATE TEMP TABLE ${quoteIdent(name)} AS SELECT ${select.join(', ')} FROM temp.${quoteIdent(stage)}`,
    );
  } catch (e) {
    await client.query('ROLLBACK').catch(() => {});
    if (e instanceof KilnError) throw e;
    throw new KilnError(
      'SOURCE_UNREADABLE',
      `${where}: the query failed: ${redactPassword(errorText(e), url)}`,
      {
        source: name,
        query,
      },
    );
  } finally {
    await client.end().catch(() => {});
    if (staged) await ctx.duck.run(`DROP TABLE IF EXISTS temp.${quoteIdent(stage)}`);
  }
  const n = await ctx.duck.query(`SELECT count(*) AS n FROM temp.${quoteIdent(name)}`);
  return { name, type: 'postgres', files: null, query, rowCount: Number(n.rows[0].n) };
}

async function appendRows(ctx: SourceContext, stage: string, rows: readonly unknown[][]): Promise<void> {
  if (rows.length === 0) return;
  const appender = await ctx.duck.connection.createAppender(stage, 'main', 'temp');
  try {
    for (const row of rows) {
      for (const v of row) {
        if (v === null || v === undefined) appender.appendNull();
        else appender.appendVarchar(String(v));
      }
      appender.endRow();
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}

function assertDistinct(where: string, name: string, columns: readonly { name: string }[]): void {
  const seen = new Set<string>();
  for (const c of columns) {
    const key = c.name.toLowerCase(); // DuckDB column names are case-insensitive
    if (seen.has(key)) {
      throw new KilnError(
        'SOURCE_UNREADABLE',
        `${where}: the query returns the column "${c.name}" more than once; give each column its own alias`,
        { source: name, column: c.name },
      );
    }
    seen.add(key);
  }
}

function pgIdent(part: string): string {
  return `"${part.replaceAll('"', '""')}"`;
}

function errorText(e: unknown): string {
  if (e instanceof AggregateError && e.errors.length > 0) return e.errors.map(errorText).join('; ');
  const message = e instanceof Error ? e.message : String(e);
  const code = (e as { code?: unknown }).code;
  return message || (typeof code === 'string' ? code : 'unknown error');
}
