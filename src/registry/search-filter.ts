/**
 * @module registry/search-filter
 * The filter language of registry search, for models and for model versions:
 *
 * ```
 * filter := clause (AND clause)*          blank text means "no filter"
 * clause := field op value
 * field  := name | tag.<key> | alias | status | version | owner
 * value  := bare word [A-Za-z0-9._:-]+ | '…' | "…"   (in quotes, \\ \' \" stand for \ ' ")
 * ```
 *
 * Field names, AND and status values may be written in any letter case; other values are exact.
 * Parsing yields typed clauses holding literal values; nothing in a value is ever interpreted, so
 * the store binds each value as a query parameter. Errors are INVALID_FILTER and give the
 * 1-based character position, what was expected there and what came.
 */
import { KilnError } from '../core/errors.js';
import type { VersionStatus } from './registry-types.js';

/** What a filter searches. */
export type FilterTarget = 'models' | 'versions';

export type NameOp = '=' | '!=' | '^=';
export type EqualityOp = '=' | '!=';
export type VersionOp = '=' | '>' | '>=' | '<' | '<=';

/**
 * One parsed clause. String values are literal and compared exactly (case-sensitive); `^=` is a
 * literal prefix, so a store using LIKE must escape `%`, `_` and its escape character.
 */
export type FilterClause =
  | { readonly field: 'name'; readonly op: NameOp; readonly value: string }
  | { readonly field: 'tag'; readonly key: string; readonly op: EqualityOp; readonly value: string }
  | { readonly field: 'alias'; readonly op: '='; readonly value: string }
  | { readonly field: 'status'; readonly op: EqualityOp; readonly value: VersionStatus }
  | { readonly field: 'version'; readonly op: VersionOp; readonly value: number }
  | { readonly field: 'owner'; readonly op: '='; readonly value: string };

export type FilterField = FilterClause['field'];

export interface FilterFieldInfo {
  /** How the field is written. */
  readonly syntax: string;
  readonly ops: readonly string[];
  readonly appliesTo: readonly FilterTarget[];
  readonly meaning: string;
}

/** Every field: its operators, what it applies to and what it matches. */
export const FILTER_FIELDS: Readonly<Record<FilterField, FilterFieldInfo>> = {
  name: {
    syntax: 'name',
    ops: ['=', '!=', '^='],
    appliesTo: ['models', 'versions'],
    meaning: "The model's name (for versions, the name of their model); ^= matches a prefix.",
  },
  tag: {
    syntax: 'tag.<key>',
    ops: ['=', '!='],
    appliesTo: ['models', 'versions'],
    meaning:
      'The value of a tag: on the model when searching models, on the version when searching versions. != also matches when the tag is absent.',
  },
  alias: {
    syntax: 'alias',
    ops: ['='],
    appliesTo: ['models', 'versions'],
    meaning: 'Models: the model has this alias. Versions: the version carries this alias.',
  },
  status: {
    syntax: 'status',
    ops: ['=', '!='],
    appliesTo: ['versions'],
    meaning: "The version's status: PENDING, READY or FAILED.",
  },
  version: {
    syntax: 'version',
    ops: ['=', '>', '>=', '<', '<='],
    appliesTo: ['versions'],
    meaning: 'The version number, a whole number.',
  },
  owner: {
    syntax: 'owner',
    ops: ['='],
    appliesTo: ['models', 'versions'],
    meaning: "The model's owner (for versions, the owner of their model).",
  },
};

export const MAX_FILTER_CLAUSES = 20;
/** Longest value, in characters. */
export const MAX_FILTER_VALUE_LENGTH = 256;
/** Longest filter text, in characters. */
export const MAX_FILTER_LENGTH = 8192;

const STATUSES: readonly VersionStatus[] = ['PENDING', 'READY', 'FAILED'];
const FIELD_LIST = 'a field (name, tag.<key>, alias, status, version, owner)';
const TAG_KEY_RE = /^[A-Za-z][A-Za-z0-9._-]{0,63}$/;
const WORD_CHAR = /[A-Za-z0-9._:-]/;
// longest first, so ">=" is not read as ">" followed by "="
const OPERATORS = ['^=', '!=', '>=', '<=', '=', '>', '<'] as const;

/**
 * Parses filter text into clauses; blank text gives `[]`. Throws INVALID_FILTER, with the position,
 * what was expected and what came, on any syntax error, an unknown field, an operator the field does
 * not take, a bad version number or status, more than {@link MAX_FILTER_CLAUSES} clauses, a value
 * over {@link MAX_FILTER_VALUE_LENGTH} characters or a text over {@link MAX_FILTER_LENGTH}.
 */
export function parseFilter(text: string): FilterClause[] {
  if (typeof text !== 'string') throw fail('filter: expected a string', { expected: 'a string' });
  const length = [...text].length;
  if (length > MAX_FILTER_LENGTH) {
    throw fail(`filter: expected at most ${MAX_FILTER_LENGTH} characters, got ${length}`, {
      expected: `at most ${MAX_FILTER_LENGTH} characters`,
    });
  }
  const c = new Cursor(text);
  c.skipSpace();
  if (c.atEnd()) return [];
  const clauses: FilterClause[] = [];
  for (;;) {
    if (clauses.length === MAX_FILTER_CLAUSES) {
      throw c.error(`at most ${MAX_FILTER_CLAUSES} clauses`, `clause ${MAX_FILTER_CLAUSES + 1}`);
    }
    clauses.push(parseClause(c));
    c.skipSpace();
    if (c.atEnd()) return clauses;
    const word = c.peekWord();
    if (word.toUpperCase() !== 'AND') {
      const hint = word.toUpperCase() === 'OR' ? ' (only AND is supported)' : '';
      throw c.error('AND or the end of the filter', `${c.describeNext()}${hint}`);
    }
    c.pos += word.length;
    c.skipSpace();
    if (c.atEnd()) throw c.error(`${FIELD_LIST} after AND`);
  }
}

function parseClause(c: Cursor): FilterClause {
  const word = c.peekWord();
  const lower = word.toLowerCase();
  let field: FilterField;
  let key = '';
  if (lower.startsWith('tag.')) {
    field = 'tag';
    key = word.slice(4);
    if (!TAG_KEY_RE.test(key)) {
      c.pos += 4;
      throw c.error(
        'a tag key (a letter, then letters, digits, ".", "_" or "-"; at most 64)',
        key ? JSON.stringify(key) : undefined,
      );
    }
  } else if (Object.hasOwn(FILTER_FIELDS, lower) && lower !== 'tag') {
    field = lower as FilterField;
  } else {
    throw c.error(FIELD_LIST);
  }
  c.pos += word.length;
  c.skipSpace();

  const ops = FILTER_FIELDS[field].ops;
  const op = OPERATORS.find((o) => c.text.startsWith(o, c.pos));
  if (!op || !ops.includes(op)) {
    throw c.error(`an operator (${ops.join(', ')}) after ${JSON.stringify(word)}`, op && JSON.stringify(op));
  }
  c.pos += op.length;
  c.skipSpace();

  const valueAt = c.pos;
  const value = readValue(c, `${word} ${op}`);
  const chars = [...value].length;
  if (chars > MAX_FILTER_VALUE_LENGTH) {
    c.pos = valueAt;
    throw c.error(`a value of at most ${MAX_FILTER_VALUE_LENGTH} characters`, `${chars} characters`);
  }
  switch (field) {
    case 'version': {
      const n = Number(value);
      if (!/^[0-9]+$/.test(value) || !Number.isSafeInteger(n)) {
        c.pos = valueAt;
        throw c.error('a version number (a whole number)', JSON.stringify(value));
      }
      return { field, op: op as VersionOp, value: n };
    }
    case 'status': {
      const status = STATUSES.find((s) => s === value.toUpperCase());
      if (!status) {
        c.pos = valueAt;
        throw c.error(`a status (${STATUSES.join(', ')})`, JSON.stringify(value));
      }
      return { field, op: op as EqualityOp, value: status };
    }
    case 'tag':
      return { field, key, op: op as EqualityOp, value };
    case 'name':
      return { field, op: op as NameOp, value };
    case 'alias':
    case 'owner':
      return { field, op: '=', value };
  }
}

function readValue(c: Cursor, after: string): string {
  const quote = c.text[c.pos];
  if (quote !== '"' && quote !== "'") {
    const word = c.peekWord();
    if (!word)
      throw c.error(
        `a value (a word of letters, digits, ".", "_", ":" or "-", or a quoted string) after "${after}"`,
      );
    c.pos += word.length;
    return word;
  }
  const start = c.pos;
  let out = '';
  let i = c.pos + 1;
  for (;;) {
    const ch = c.text[i];
    // a backslash as the last character leaves the string open too
    if (ch === undefined || (ch === '\\' && i + 1 === c.text.length)) {
      c.pos = start;
      throw c.error(`a closing ${quote} for the string that starts here`, 'the end of the filter');
    }
    if (ch === quote) break;
    if (ch === '\\') {
      const next = c.text[i + 1];
      if (next !== '\\' && next !== '"' && next !== "'") {
        c.pos = i;
        throw c.error(
          '\\\\, \\" or \\\' after a backslash',
          JSON.stringify(`\\${String.fromCodePoint(c.text.codePointAt(i + 1)!)}`),
        );
      }
      out += next;
      i += 2;
      continue;
    }
    out += ch;
    i += 1;
  }
  c.pos = i + 1;
  return out;
}

/**
 * Throws INVALID_FILTER if a clause uses a field that does not apply to `target` (`status` and
 * `version` apply to versions only), naming the field and listing the ones that do apply.
 */
export function validateFilterFor(clauses: readonly FilterClause[], target: FilterTarget): void {
  for (const clause of clauses) {
    const info = FILTER_FIELDS[clause.field];
    if (!info.appliesTo.includes(target)) {
      const valid = Object.values(FILTER_FIELDS)
        .filter((f) => f.appliesTo.includes(target))
        .map((f) => f.syntax);
      throw fail(
        `filter: field "${info.syntax}" does not apply to ${target}; fields for ${target}: ${valid.join(', ')}`,
        {
          expected: valid,
          got: info.syntax,
        },
      );
    }
  }
}

/**
 * The canonical text of clauses: `field op value` joined by ` AND `, strings double-quoted.
 * `parseFilter(formatFilter(c))` equals `c`, and texts that differ only in spacing, quoting or the
 * case of AND format the same; bind page tokens to this form.
 */
export function formatFilter(clauses: readonly FilterClause[]): string {
  return clauses
    .map((c) => {
      const field = c.field === 'tag' ? `tag.${c.key}` : c.field;
      const value =
        typeof c.value === 'number' || c.field === 'status'
          ? String(c.value)
          : `"${c.value.replace(/[\\"]/g, '\\$&')}"`;
      return `${field} ${c.op} ${value}`;
    })
    .join(' AND ');
}

class Cursor {
  pos = 0;
  constructor(readonly text: string) {}

  atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  skipSpace(): void {
    while (!this.atEnd() && /\s/.test(this.text[this.pos]!)) this.pos += 1;
  }

  /** The run of word characters at the cursor (maybe empty); does not move. */
  peekWord(): string {
    let end = this.pos;
    while (end < this.text.length && WORD_CHAR.test(this.text[end]!)) end += 1;
    return this.text.slice(this.pos, end);
  }

  /** What is at the cursor, for "got …": a word, one character, or the end. */
  describeNext(): string {
    if (this.atEnd()) return 'the end of the filter';
    const word = this.peekWord();
    return JSON.stringify(word || String.fromCodePoint(this.text.codePointAt(this.pos)!));
  }

  error(expected: string, got = this.describeNext()): KilnError {
    const position = [...this.text.slice(0, this.pos)].length + 1;
    return fail(`filter: at position ${position}: expected ${expected}, got ${got}`, {
      position,
      expected,
      got,
    });
  }
}

function fail(message: string, details: Record<string, unknown>): KilnError {
  return new KilnError('INVALID_FILTER', message, { field: 'filter', ...details });
}
