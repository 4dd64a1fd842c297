/**
 * @module ingest/pipeline/spec-types
 * The shape of a parsed pipeline spec. Keys mirror the YAML (snake_case) so that
 * `docs/pipelines.md` describes both; every source and step keeps the line it came from so that
 * errors found while running it can still point into the file.
 */

/** Where a source or step was written: `file:line`. */
export interface SpecLocation {
  readonly file: string;
  readonly line: number;
}

export type OnFail = 'block' | 'warn' | 'quarantine';

export interface CsvOptions {
  /** One character; default: detected by DuckDB. */
  readonly delimiter?: string;
  /** Default true. */
  readonly header: boolean;
  readonly quote?: string;
  readonly escape?: string;
  /** Strings read as NULL (`null_string` or `null_strings` in YAML); default: the empty string. */
  readonly null_strings?: readonly string[];
  /** Lines to skip before the header. Default 0. */
  readonly skip: number;
  /** Explicit column types (`{amount: DOUBLE}`), in file order; default: detected. */
  readonly columns?: Readonly<Record<string, string>>;
}

interface FileSourceBase {
  readonly location: SpecLocation;
  /** One or more files or globs, relative to the spec file's folder. */
  readonly path: readonly string[];
}

export interface CsvSourceSpec extends FileSourceBase {
  readonly type: 'csv';
  readonly options: CsvOptions;
}

export interface ParquetSourceSpec extends FileSourceBase {
  readonly type: 'parquet';
}

export interface JsonSourceSpec extends FileSourceBase {
  readonly type: 'json';
  /** `array` (one JSON array of objects), `newline_delimited` (NDJSON) or `auto`. Default auto. */
  readonly format: 'auto' | 'array' | 'newline_delimited';
}

export interface PostgresSourceSpec {
  readonly type: 'postgres';
  readonly location: SpecLocation;
  /** Exactly one of `url` and `url_env` is set. */
  readonly url?: string;
  readonly url_env?: string;
  /** Exactly one of `query` and `table` is set. */
  readonly query?: string;
  readonly table?: string;
  /** Rows per FETCH from the server-side cursor. Default 10000. */
  readonly fetch_size: number;
}

export type SourceSpec = CsvSourceSpec | ParquetSourceSpec | JsonSourceSpec | PostgresSourceSpec;
export type FileSourceSpec = CsvSourceSpec | ParquetSourceSpec | JsonSourceSpec;

export type ImputeStrategy = 'mean' | 'median' | 'mode' | { readonly constant: string | number | boolean };
export type ScaleMethod = 'standard' | 'minmax' | 'robust';
export interface EncodeSpec {
  readonly method: 'onehot' | 'ordinal';
  /** Categories kept (most frequent first); the rest become `__other__`. Default 50. */
  readonly max_categories: number;
}

interface StepBase {
  readonly location: SpecLocation;
}

export type StepSpec = StepBase &
  (
    | { readonly kind: 'sql'; readonly sql: string }
    | { readonly kind: 'cast'; readonly columns: Readonly<Record<string, string>> }
    | { readonly kind: 'filter'; readonly expr: string }
    | {
        readonly kind: 'dedupe';
        readonly key: readonly string[];
        readonly keep: 'first' | 'last';
        readonly order_by?: readonly string[];
      }
    | { readonly kind: 'impute'; readonly columns: Readonly<Record<string, ImputeStrategy>> }
    | { readonly kind: 'scale'; readonly columns: Readonly<Record<string, ScaleMethod>> }
    | { readonly kind: 'encode'; readonly columns: Readonly<Record<string, EncodeSpec>> }
    | { readonly kind: 'label'; readonly name: string; readonly expr: string }
    | { readonly kind: 'split'; readonly key: string; readonly test_fraction: number; readonly seed: number }
    | { readonly kind: 'select'; readonly columns: readonly string[] }
    | { readonly kind: 'drop'; readonly columns: readonly string[] }
    | { readonly kind: 'rename'; readonly columns: Readonly<Record<string, string>> }
  );

export type StepKind = StepSpec['kind'];

export interface PipelineSpec {
  /** The output dataset's name (Kiln's naming rule). */
  readonly name: string;
  /** The spec file, as given to the parser. */
  readonly file: string;
  /** Sources by key; each becomes a DuckDB table of that name. Insertion order is the YAML order. */
  readonly sources: Readonly<Record<string, SourceSpec>>;
  readonly steps: readonly StepSpec[];
  /** Path of an expectation suite (relative to the spec file), carried for the runner. */
  readonly expectations?: string;
  readonly on_fail: OnFail;
}
