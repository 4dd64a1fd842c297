/**
 * @module ingest/sources/csv-diagnose
 * Finds the first ragged record of a CSV file (a record whose field count differs from the first
 * record's), for when DuckDB's sniffer gives up with a generic "could not detect the dialect". A
 * streamed, quote-aware scan: quoted fields may span lines; a doubled quote (or the escape
 * character) inside quotes is a literal quote.
 */
import { createReadStream } from 'node:fs';

export interface CsvDialect {
  readonly delimiter?: string;
  readonly quote?: string;
  readonly escape?: string;
  readonly skip: number;
}

export interface RaggedRecord {
  /** 1-based line where the record starts. */
  readonly line: number;
  readonly expected: number;
  readonly found: number;
}

const COMMON_DELIMITERS = [',', ';', '\t', '|'] as const;

/** The first record with a different number of fields than the first, or null when all agree. */
export async function findRaggedRecord(path: string, dialect: CsvDialect): Promise<RaggedRecord | null> {
  const quote = dialect.quote === undefined ? '"' : dialect.quote;
  const escapeChar = dialect.escape === undefined ? quote : dialect.escape;
  let delimiter = dialect.delimiter;
  let line = 1;
  let recordLine = 1;
  let fields = 1;
  let inQuotes = false;
  let pendingEscape = false;
  let expected: number | null = null;
  let recordEmpty = true;
  let prevCr = false;
  for await (const chunk of createReadStream(path, { encoding: 'utf8' })) {
    const text = chunk as string;
    if (delimiter === undefined) delimiter = guessDelimiter(text.split('\n', 1)[0]);
    for (let i = 0; i < text.length; i++) {
      const ch = text[i];
      if (ch === '\n' && prevCr) {
        prevCr = false;
        continue;
      }
      prevCr = ch === '\r';
      if (inQuotes) {
        if (pendingEscape) pendingEscape = false;
        else if (ch === escapeChar && escapeChar !== quote) pendingEscape = true;
        else if (ch === quote) {
          // a doubled quote stays inside the field
          if (escapeChar === quote && text[i + 1] === quote) i++;
          else inQuotes = false;
        }
        if (ch === '\n' || ch === '\r') line++;
        continue;
      }
      if (ch === '\n' || ch === '\r') {
        if (line > dialect.skip && !recordEmpty) {
          if (expected === null) expected = fields;
          else if (fields !== expected) return { line: recordLine, expected, found: fields };
        }
        line++;
        recordLine = line;
        fields = 1;
        recordEmpty = true;
        continue;
      }
      recordEmpty = false;
      if (quote !== '' && ch === quote) inQuotes = true;
      else if (text.startsWith(delimiter, i)) {
        fields++;
        i += delimiter.length - 1;
      }
    }
  }
  if (!recordEmpty && line > dialect.skip && expected !== null && fields !== expected) {
    return { line: recordLine, expected, found: fields };
  }
  return null;
}

/** The common delimiter that occurs most often in `headerLine` (`,` when none does). */
export function guessDelimiter(headerLine: string): string {
  let best = ',';
  let bestCount = 0;
  for (const d of COMMON_DELIMITERS) {
    const n = headerLine.split(d).length - 1;
    if (n > bestCount) {
      best = d;
      bestCount = n;
    }
  }
  return best;
}

/** Delimiters other than `chosen` that occur in a lone header cell: a sign `chosen` is wrong. */
export function otherDelimitersIn(cell: string, chosen: string): string[] {
  return COMMON_DELIMITERS.filter((d) => d !== chosen && cell.includes(d));
}
