/**
 * @module ingest/sources/csv-source
 * Loads a csv source with DuckDB's `read_csv` on the explicit, checked file list, in strict mode so
 * that ragged rows and values that do not fit a declared column type fail loudly instead of
 * turning into NULLs. Spec options map onto `read_csv` parameters: delimiter → `delim`, header,
 * quote, escape, null_string(s) → `nullstr`, skip, columns (explicit types, file order).
 */
import { KilnError } from '../../core/errors.js';
import { quoteIdent, quoteLiteral } from '../../store/duckdb/duck-engine.js';
import type { CsvOptions, CsvSourceSpec } from '../pipeline/spec-types.js';
import { findRaggedRecord, otherDelimitersIn } from './csv-diagnose.js';
import {
  type LoadedSource,
  type SourceContext,
  type SourceFile,
  duckFirstLine,
  sourceWhere,
} from './source.js';
import { countRows, fileInDuckMessage, fileListSql, resolveSourceFiles } from './source-files.js';

export async function loadCsvSource(
  ctx: SourceContext,
  name: string,
  spec: CsvSourceSpec,
): Promise<LoadedSource> {
  const where = sourceWhere(spec.location, name);
  const files = await resolveSourceFiles(ctx, name, spec);
  const table = quoteIdent(name);
  try {
    await ctx.duck.run(
      `CREATE TEMP TABLE ${table} AS SELECT * FROM read_csv(${fileListSql(files)}, ${readCsvParams(spec.options)})`,
    );
  } catch (e) {
    throw await explainCsvError(e, where, name, files, spec.options);
  }
  try {
    await checkDelimiter(ctx, where, name, files, spec.options);
    return { name, type: 'csv', files, rowCount: await countRows(ctx, name) };
  } catch (e) {
    await ctx.duck.run(`DROP TABLE IF EXISTS temp.${table}`);
    throw e;
  }
}

/** The `read_csv` named parameters for these options (strict mode always on). */
export function readCsvParams(o: CsvOptions): string {
  const p = [`header = ${o.header}`, 'strict_mode = true', `skip = ${o.skip}`, 'filename = false'];
  if (o.delimiter !== undefined) p.push(`delim = ${quoteLiteral(o.delimiter)}`);
  if (o.quote !== undefined) p.push(`quote = ${quoteLiteral(o.quote)}`);
  if (o.escape !== undefined) p.push(`escape = ${quoteLiteral(o.escape)}`);
  if (o.null_strings !== undefined) p.push(`nullstr = [${o.null_strings.map(quoteLiteral).join(', ')}]`);
  if (o.columns !== undefined) {
    // types were checked against DUCK_TYPE_RE by the spec parser
    const cols = Object.entries(o.columns).map(([c, t]) => `${quoteLiteral(c)}: ${quoteLiteral(t)}`);
    p.push(`columns = {${cols.join(', ')}}`);
  }
  return p.join(', ');
}

async function explainCsvError(
  e: unknown,
  where: string,
  name: string,
  files: readonly SourceFile[],
  o: CsvOptions,
): Promise<KilnError> {
  const message = e instanceof Error ? e.message : String(e);
  const file = fileInDuckMessage(message, files);
  const lineNo = /CSV Error on Line: (\d+)/.exec(message)?.[1];
  const counts = /Expected Number of Columns: (\d+) Found: (\d+)/.exec(message);
  if (counts && lineNo) {
    return ragged(where, name, file ?? files[0].path, Number(lineNo), Number(counts[1]), Number(counts[2]));
  }
  const conversion = /Could not convert string "(.*)" to '([^']+)'/.exec(message);
  const column = /converting column "([^"]+)"/.exec(message)?.[1];
  if (conversion && column) {
    return new KilnError(
      'CAST_FAILED',
      `${where}: ${file ?? 'a file'}${lineNo ? ` line ${lineNo}` : ''}: column "${column}" value "${conversion[1]}" is not a valid ${conversion[2]} (declared in options.columns)`,
      {
        source: name,
        file,
        line: lineNo ? Number(lineNo) : null,
        column,
        value: conversion[1],
        type: conversion[2],
      },
    );
  }
  if (message.includes('sniffing file') || message.includes('Expected Number of Columns')) {
    for (const f of files) {
      const bad = await findRaggedRecord(f.path, o);
      if (bad) return ragged(where, name, f.path, bad.line, bad.expected, bad.found);
    }
  }
  return new KilnError('SOURCE_UNREADABLE', `${where}: ${file ? `${file}: ` : ''}${duckFirstLine(e)}`, {
    source: name,
    file,
  });
}

function ragged(where: string, name: string, file: string, line: number, expected: number, found: number) {
  return new KilnError(
    'SOURCE_UNREADABLE',
    `${where}: ${file} line ${line}: ragged row: ${found} fields where the file has ${expected}`,
    { source: name, file, line, expected, found },
  );
}

/**
 * A lone column whose header holds a common delimiter: either the declared delimiter is wrong, or
 * (no delimiter declared) DuckDB's sniffer fell back to one column because rows are ragged.
 */
async function checkDelimiter(
  ctx: SourceContext,
  where: string,
  name: string,
  files: readonly SourceFile[],
  o: CsvOptions,
): Promise<void> {
  if (!o.header) return;
  const columns = await ctx.duck.describe(name);
  if (columns.length !== 1) return;
  const header = columns[0].name;
  const others = otherDelimitersIn(header, o.delimiter ?? '');
  if (others.length === 0) return;
  for (const f of files) {
    const bad = await findRaggedRecord(f.path, { ...o, delimiter: others[0] });
    if (bad) throw ragged(where, name, f.path, bad.line, bad.expected, bad.found);
  }
  const shown = (d: string) => (d === '\t' ? '"\\t"' : JSON.stringify(d));
  const said =
    o.delimiter === undefined ? 'no options.delimiter is set' : `options.delimiter is ${shown(o.delimiter)}`;
  throw new KilnError(
    'SOURCE_UNREADABLE',
    `${where}: ${said} but the header "${header}" reads as one column containing ${others.map(shown).join(' and ')}; is the delimiter ${shown(others[0])}?`,
    { source: name, delimiter: o.delimiter ?? null, header, suggested: others[0] },
  );
}
