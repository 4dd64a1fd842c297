/**
 * @module validate/suite-file
 * Reads an expectation suite from YAML or JSON text in Great Expectations' shape, strictly: an
 * unknown expectation type, a missing/unknown/mistyped kwarg or a bad regex is a `SUITE_INVALID`
 * error that names the file, the line, the expectation's index and — where one is near — the name
 * that was probably meant. Regexes are RE2 and only DuckDB can compile them, so that check is async:
 * {@link loadSuiteFile} runs it; {@link parseSuite} leaves it to {@link checkSuiteRegexes} (which
 * `validateRelation` also runs when its scan fails).
 */
import { readFile } from 'node:fs/promises';
import { LineCounter, parseDocument } from 'yaml';
import { KilnError } from '../core/errors.js';
import { DuckEngine, quoteLiteral } from '../store/duckdb/duck-engine.js';
import { findExpectation, kwargSpecs } from './expectations/catalogue.js';
import { readSuite, type SuiteIssue, type SuitePath } from './expectations/check-suite.js';
import type { ExpectationSuite } from './suite-types.js';

interface SuiteSource {
  readonly source: string;
  readonly lineOf: (path: SuitePath) => number | undefined;
}

/** Where each parsed suite came from, so a later regex error can still name the file and line. */
const SOURCES = new WeakMap<ExpectationSuite, SuiteSource>();

function pathText(path: SuitePath): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

function suiteError(
  issues: readonly SuiteIssue[],
  where: SuiteSource | undefined,
  source: string,
): KilnError {
  const located = issues.map((issue) => {
    const line = where?.lineOf(issue.path);
    return { path: pathText(issue.path), line: line ?? null, message: issue.message };
  });
  const lines = located.map((l) => `${source}${l.line !== null ? `:${l.line}` : ''}: ${l.message}`);
  const head = lines.length === 1 ? lines[0] : `${lines[0]} (and ${lines.length - 1} more problem(s))`;
  return new KilnError('SUITE_INVALID', lines.length === 1 ? head : `${head}\n${lines.slice(1).join('\n')}`, {
    file: source,
    line: located[0]?.line ?? null,
    issues: located,
  });
}

function locator(text: string): {
  lineOf: (path: SuitePath) => number | undefined;
  lineAt: (offset: number) => number;
  doc: ReturnType<typeof parseDocument>;
} {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const lineOf = (path: SuitePath): number | undefined => {
    for (let n = path.length; n >= 0; n--) {
      const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
      const range = (node as { range?: [number, number, number] } | undefined)?.range;
      if (range) return lineCounter.linePos(range[0]).line;
    }
    return undefined;
  };
  return { lineOf, lineAt: (offset: number) => lineCounter.linePos(offset).line, doc };
}

function lineOfOffset(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text[i] === '\n') line++;
  return line;
}

/**
 * Parses suite text (YAML, or JSON — which is read with `JSON.parse` when it looks like JSON).
 * `source` names the text in errors (a file path, `<request body>`…). Throws `SUITE_INVALID`.
 */
export function parseSuite(text: string, source: string): ExpectationSuite {
  const { lineOf, lineAt, doc } = locator(text);
  const where: SuiteSource = { source, lineOf };
  let raw: unknown;
  if (/^\s*[{[]/.test(text)) {
    try {
      raw = JSON.parse(text);
    } catch (e) {
      const message = (e as Error).message;
      const at = /position (\d+)/.exec(message);
      const line = at ? lineOfOffset(text, Number(at[1])) : undefined;
      throw new KilnError('SUITE_INVALID', `${source}${line ? `:${line}` : ''}: not valid JSON: ${message}`, {
        file: source,
        line: line ?? null,
      });
    }
  } else {
    const first = doc.errors[0];
    if (first) {
      const line = lineAt(first.pos[0]);
      throw new KilnError(
        'SUITE_INVALID',
        `${source}${line ? `:${line}` : ''}: not valid YAML: ${first.message}`,
        {
          file: source,
          line: line ?? null,
        },
      );
    }
    raw = doc.toJS({ maxAliasCount: 100 });
  }
  const { suite, issues } = readSuite(raw);
  if (!suite) throw suiteError(issues, where, source);
  SOURCES.set(suite, where);
  return suite;
}

/** Checks a suite built in code (not parsed from text) by the same rules. Throws `SUITE_INVALID`. */
export function checkSuite(suite: ExpectationSuite, source = 'suite'): void {
  if (SOURCES.has(suite)) return;
  const { issues } = readSuite(suite);
  if (issues.length > 0) throw suiteError(issues, undefined, source);
}

interface RegexUse {
  readonly index: number;
  readonly type: string;
  readonly kwarg: string;
  readonly pattern: string;
}

function regexUses(suite: ExpectationSuite): RegexUse[] {
  const uses: RegexUse[] = [];
  suite.expectations.forEach((e, index) => {
    const definition = findExpectation(e.type);
    if (!definition) return;
    for (const [kwarg, spec] of Object.entries(kwargSpecs(definition))) {
      const value = e.kwargs[kwarg];
      if (spec.kind === 'regex' && typeof value === 'string')
        uses.push({ index, type: e.type, kwarg, pattern: value });
      if (spec.kind === 'regex_list' && Array.isArray(value)) {
        for (const pattern of value)
          if (typeof pattern === 'string') uses.push({ index, type: e.type, kwarg, pattern });
      }
    }
  });
  return uses;
}

/** Whether the suite holds any regex (so that {@link checkSuiteRegexes} has something to do). */
export function suiteHasRegexes(suite: ExpectationSuite): boolean {
  return regexUses(suite).length > 0;
}

/**
 * Compiles every regex of the suite with DuckDB's RE2 (one query; one more per regex only when that
 * one fails) and throws `SUITE_INVALID` naming each bad one's expectation, kwarg and line.
 */
export async function checkSuiteRegexes(
  duck: Pick<DuckEngine, 'query'>,
  suite: ExpectationSuite,
): Promise<void> {
  const uses = regexUses(suite);
  if (uses.length === 0) return;
  const patterns = [...new Set(uses.map((u) => u.pattern))];
  const probe = (list: readonly string[]) =>
    duck.query(`SELECT ${list.map((p, i) => `regexp_matches('', ${quoteLiteral(p)}) AS r${i}`).join(', ')}`);
  try {
    await probe(patterns);
    return;
  } catch {
    // find the culprits below
  }
  const bad = new Map<string, string>();
  for (const pattern of patterns) {
    try {
      await probe([pattern]);
    } catch (e) {
      bad.set(pattern, ((e as Error).message.split('\n')[0] ?? '').replace(/^Invalid Input Error:\s*/, ''));
    }
  }
  const issues: SuiteIssue[] = uses
    .filter((u) => bad.has(u.pattern))
    .map((u) => ({
      path: ['expectations', u.index, 'kwargs', u.kwarg],
      message: `expectations[${u.index}] (${u.type}): kwarg "${u.kwarg}": ${JSON.stringify(u.pattern)} is not a valid RE2 regular expression: ${bad.get(u.pattern)}`,
    }));
  if (issues.length === 0) return;
  const where = SOURCES.get(suite);
  throw suiteError(issues, where, where?.source ?? 'suite');
}

/**
 * Reads and parses a suite file, then compiles its regexes with DuckDB (`duck`, or a short-lived
 * in-memory engine when none is given and the suite has regexes).
 */
export async function loadSuiteFile(
  path: string,
  options: { duck?: DuckEngine } = {},
): Promise<ExpectationSuite> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new KilnError(
      code === 'ENOENT' ? 'SOURCE_NOT_FOUND' : 'SOURCE_UNREADABLE',
      `${path}: cannot read the suite file (${code ?? (e as Error).message})`,
      { file: path },
    );
  }
  const suite = parseSuite(text, path);
  if (!suiteHasRegexes(suite)) return suite;
  if (options.duck) {
    await checkSuiteRegexes(options.duck, suite);
    return suite;
  }
  const duck = await DuckEngine.open(':memory:', { threads: 1 });
  try {
    await checkSuiteRegexes(duck, suite);
  } finally {
    duck.close();
  }
  return suite;
}
