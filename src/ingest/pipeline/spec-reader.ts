/**
 * @module ingest/pipeline/spec-reader
 * Strict reading of a YAML document node by node, so that every error names `file:line`, the key
 * path (`steps[2].filter`), what was expected and what came; unknown keys are refused with the
 * closest known key as a suggestion. All errors are PIPELINE_SPEC_INVALID.
 */
import { isAlias, isMap, isScalar, isSeq, type LineCounter, type Node, type Pair } from 'yaml';
import { KilnError } from '../../core/errors.js';
import { didYouMean } from './did-you-mean.js';

/** A node with the line to blame when it is missing (`key:` with no value). */
export interface At {
  readonly node: Node | null;
  readonly line: number;
  readonly path: string;
}

export class SpecReader {
  readonly file: string;
  readonly #lines: LineCounter;

  constructor(file: string, lines: LineCounter) {
    this.file = file;
    this.#lines = lines;
  }

  lineOf(node: Node | Pair | null | undefined, fallback = 1): number {
    const range = node && 'range' in node ? node.range : null;
    if (!range) {
      const key = node && 'key' in node ? (node.key as Node | null) : null;
      return key?.range ? this.#lines.linePos(key.range[0]).line : fallback;
    }
    return this.#lines.linePos(range[0]).line;
  }

  fail(at: At, message: string): never {
    throw new KilnError(
      'PIPELINE_SPEC_INVALID',
      `${this.file}:${at.line}${at.path ? ` ${at.path}:` : ''} ${message}`,
      {
        file: this.file,
        line: at.line,
        path: at.path,
      },
    );
  }

  expected(at: At, expected: string): never {
    return this.fail(at, `expected ${expected}, got ${describeNode(at.node)}`);
  }

  /** The entries of a mapping; keys outside `known` are refused with a suggestion. */
  map(at: At, known: readonly string[] | null, expected = 'a mapping'): Map<string, At> {
    if (isAlias(at.node)) this.fail(at, 'YAML aliases (*name) are not supported in pipeline specs');
    if (!isMap(at.node)) this.expected(at, expected);
    const out = new Map<string, At>();
    for (const pair of at.node.items) {
      const keyNode = pair.key as Node | null;
      const line = this.lineOf(keyNode, at.line);
      const key = isScalar(keyNode) ? keyNode.value : undefined;
      const keyAt: At = { node: keyNode, line, path: at.path };
      if (typeof key !== 'string' || key.length === 0) this.expected(keyAt, 'a non-empty string key');
      const path = at.path === '' ? key : `${at.path}.${key}`;
      if (known && !known.includes(key)) {
        const hint = didYouMean(key, known);
        this.fail(
          { node: keyNode, line, path },
          `unknown key "${key}"${hint ? ` (did you mean "${hint}"?)` : ''}; known keys: ${known.join(', ')}`,
        );
      }
      const value = (pair.value as Node | null) ?? null;
      out.set(key, { node: value, line: value ? this.lineOf(value, line) : line, path });
    }
    return out;
  }

  /** The items of a list. */
  list(at: At, expected = 'a list'): At[] {
    if (!isSeq(at.node)) this.expected(at, expected);
    return at.node.items.map((item, i) => {
      const node = (item as Node | null) ?? null;
      return { node, line: this.lineOf(node, at.line), path: `${at.path}[${i}]` };
    });
  }

  scalar(at: At): unknown {
    if (isAlias(at.node)) this.fail(at, 'YAML aliases (*name) are not supported in pipeline specs');
    return isScalar(at.node) ? at.node.value : undefined;
  }

  string(at: At, expected = 'a non-empty string'): string {
    const v = this.scalar(at);
    if (typeof v !== 'string' || v.trim().length === 0) this.expected(at, expected);
    return v;
  }

  oneOf<T extends string>(at: At, values: readonly T[]): T {
    const v = this.scalar(at);
    if (typeof v !== 'string' || !(values as readonly string[]).includes(v)) {
      this.expected(at, `one of ${values.join(', ')}`);
    }
    return v as T;
  }

  boolean(at: At): boolean {
    const v = this.scalar(at);
    if (typeof v !== 'boolean') this.expected(at, 'true or false');
    return v;
  }

  integer(at: At, min: number, max = Number.MAX_SAFE_INTEGER): number {
    const v = this.scalar(at);
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max) {
      this.expected(at, `an integer from ${min}${max < Number.MAX_SAFE_INTEGER ? ` to ${max}` : ''}`);
    }
    return v;
  }

  /** A string or a list of strings, as a non-empty list. */
  stringList(at: At, expected = 'a string or a non-empty list of strings'): string[] {
    if (isSeq(at.node)) {
      const items = this.list(at).map((item) => this.string(item, 'a non-empty string'));
      if (items.length === 0) this.expected(at, expected);
      return items;
    }
    const v = this.scalar(at);
    if (typeof v !== 'string' || v.trim().length === 0) this.expected(at, expected);
    return [v];
  }

  /** A non-empty mapping of column name → value read by `read`. */
  columnMap<T>(at: At, expected: string, read: (value: At, column: string) => T): Record<string, T> {
    const entries = this.map(at, null, expected);
    if (entries.size === 0) this.expected(at, expected);
    const out: Record<string, T> = {};
    for (const [column, value] of entries) out[column] = read(value, column);
    return out;
  }
}

/** How a node is shown after "got": its JSON value for scalars, its kind otherwise. */
export function describeNode(node: Node | null): string {
  if (node === null) return 'nothing';
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) {
    const v = node.value;
    if (v === null || v === undefined) return 'nothing';
    const s = typeof v === 'string' ? JSON.stringify(v) : String(v);
    return s.length > 80 ? `${s.slice(0, 80)}…` : s;
  }
  return 'an alias';
}
