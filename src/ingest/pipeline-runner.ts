/**
 * @module ingest/pipeline-runner
 * Runs a pipeline spec end to end: records the run, emits OpenLineage START, transforms the
 * sources in DuckDB, reuses the existing version when the inputs and spec are unchanged (the
 * version key is a digest of the input files' digests, the spec and the suite), validates against
 * the expectation suite, applies `on_fail` (block / warn / quarantine), writes the Parquet file,
 * profiles it, records the dataset version, and emits COMPLETE or FAIL. A run that fails at any
 * point leaves no dataset version and no partial file (the temporary Parquet file is removed; the
 * artifact store writes atomically; the version row is inserted last).
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { KilnError, toKilnError } from '../core/errors.js';
import type { Actor } from '../govern/auth/roles.js';
import { DuckEngine, quoteIdent, quoteLiteral } from '../store/duckdb/duck-engine.js';
import { profileRelation } from '../validate/profile/profiler.js';
import { splitFailingRows } from '../validate/quarantine.js';
import { parseSuite } from '../validate/suite-file.js';
import type { ExpectationSuite, ValidationResult } from '../validate/suite-types.js';
import { validateRelation } from '../validate/validator.js';
import type { DatasetService } from './datasets/dataset-service.js';
import type {
  DatasetColumn,
  DatasetLineage,
  DatasetVersion,
  LineageSource,
  ValidationSummary,
} from './datasets/dataset-types.js';
import { fileDataset, kilnDatasetVersion, postgresDataset } from './lineage/lineage-datasets.js';
import type { LineageEmitter } from './lineage/lineage-emitter.js';
import { lineageErrorOf } from './lineage/lineage-emitter.js';
import {
  assertionsFromValidation,
  fieldsFromProfile,
  metricsFromProfile,
} from './lineage/lineage-quality.js';
import type { LineageDataset } from './lineage/lineage-types.js';
import { resolveDataPath } from './paths/resolve-data-path.js';
import { parsePipelineSpec } from './pipeline/spec.js';
import type { PipelineSpec } from './pipeline/spec-types.js';
import { runPipelineTransform, type TransformOutput } from './pipeline/transform.js';
import type { PipelineRun, PipelineRunService } from './runs/pipeline-run-service.js';

export interface PipelineRunnerDeps {
  readonly datasets: DatasetService;
  readonly runs: PipelineRunService;
  readonly lineage: LineageEmitter | null;
  readonly workspaceDir: string;
  /** The workspace's name in lineage namespaces (`kiln://<name>`). */
  readonly workspaceName: string;
  readonly duckdbMemoryLimit?: string;
}

export type PipelineProgress =
  | { readonly stage: 'source' | 'step' | 'output'; readonly index: number; readonly total: number }
  | { readonly stage: 'validate' | 'write' | 'profile' | 'reuse' };

export interface RunPipelineOptions {
  /** Path of the spec file. */
  readonly specPath: string;
  /** The spec's text when it did not come from a file the server can read (API uploads). */
  readonly specText?: string;
  /** `data.roots` for runs through the API: every file must resolve inside one of them. */
  readonly allowedRoots?: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  /** Make a new version even when the inputs and spec are unchanged. */
  readonly force?: boolean;
  readonly onProgress?: (p: PipelineProgress) => void;
}

export interface PipelineRunResult {
  readonly run: PipelineRun;
  /** The version made or reused; null when validation blocked it. */
  readonly dataset: DatasetVersion | null;
  readonly reused: boolean;
  readonly validation: ValidationResult | null;
  readonly quarantine: DatasetVersion | null;
}

export class PipelineRunner {
  readonly #deps: PipelineRunnerDeps;

  constructor(deps: PipelineRunnerDeps) {
    this.#deps = deps;
  }

  /** Parses and runs a spec. Throws (after recording the failed run) on any error, VALIDATION_FAILED when blocked. */
  async run(actor: Actor, options: RunPipelineOptions): Promise<PipelineRunResult> {
    const specPath = resolve(options.specPath);
    const specText = options.specText ?? readSpec(specPath);
    const spec = parsePipelineSpec(specText, options.specPath);
    const baseDir = dirname(specPath);
    const suite = spec.expectations ? await loadSuite(spec, baseDir, options.allowedRoots) : null;
    const specDigest = sha256(`${specText}\u0000${suite?.text ?? ''}`);
    const runId = randomUUID();
    await this.#deps.runs.start(actor, spec.name, specDigest, runId);
    await this.#emit('START', runId, spec.name, [], []);
    const tmpDir = join(this.#deps.workspaceDir, '.kiln', 'tmp', `run-${runId}`);
    let duck: DuckEngine | null = null;
    let inputs: LineageDataset[] = [];
    try {
      mkdirSync(join(tmpDir, 'duckdb'), { recursive: true });
      duck = await DuckEngine.open(':memory:', {
        tempDirectory: join(tmpDir, 'duckdb'),
        ...(this.#deps.duckdbMemoryLimit ? { memoryLimit: this.#deps.duckdbMemoryLimit } : {}),
      });
      const transform = await runPipelineTransform(duck, spec, {
        baseDir,
        ...(options.allowedRoots ? { allowedRoots: options.allowedRoots } : {}),
        env: options.env ?? {},
        outputTable: '__kiln_output',
        ...(options.onProgress ? { onProgress: (p) => options.onProgress?.(p as PipelineProgress) } : {}),
      });
      inputs = lineageInputs(spec, transform, options.env ?? {});
      const versionKey = await this.#versionKey(duck, transform, specDigest);
      const existing = options.force
        ? null
        : await this.#deps.datasets.findByVersionKey(spec.name, versionKey);
      if (existing) {
        options.onProgress?.({ stage: 'reuse' });
        const done = await this.#deps.runs.complete(actor, runId, {
          versionKey,
          datasetVersion: existing.version,
          reused: true,
          summary: { rows: existing.rowCount, reusedFrom: existing.pipelineRunId },
        });
        await this.#emit('COMPLETE', runId, spec.name, inputs, [this.#output(existing, null)]);
        return { run: done, dataset: existing, reused: true, validation: null, quarantine: null };
      }

      let table = transform.table;
      let validation: ValidationResult | null = null;
      let summary: ValidationSummary | null = null;
      let quarantine: DatasetVersion | null = null;
      if (suite) {
        options.onProgress?.({ stage: 'validate' });
        validation = await validateRelation(duck, table, suite.suite, {
          resultFormat: 'SUMMARY',
          dataLabel: `${spec.name} (pipeline run ${runId})`,
        });
        summary = summarize(suite.suite, validation, spec.on_fail);
        if (!validation.success && spec.on_fail === 'block') {
          throw validationFailed(spec.name, summary, runId);
        }
        if (!validation.success && spec.on_fail === 'quarantine') {
          const split = await splitFailingRows(duck, table, suite.suite, validation);
          if (split.blockingFailures.length > 0) {
            throw new KilnError(
              'VALIDATION_FAILED',
              `${spec.name}: ${split.blockingFailures.join(', ')} failed; these are not row checks, so quarantining rows cannot repair the data and the run is blocked`,
              { runId, failed: split.blockingFailures },
            );
          }
          summary = { ...summary, quarantinedRows: split.failingRows };
          table = split.passingTable;
          if (split.failingRows > 0) {
            quarantine = await this.#writeVersion(duck, actor, {
              name: `${spec.name}_quarantine`,
              table: split.failingTable,
              versionKey: `${versionKey}:quarantine`,
              validation: null,
              lineage: {
                ...lineageOf(spec, specDigest, runId, transform),
                quarantineOf: spec.name,
              },
              runId,
              tmpDir,
              options,
            });
          }
        }
      }

      const dataset = await this.#writeVersion(duck, actor, {
        name: spec.name,
        table,
        versionKey,
        validation: summary,
        lineage: lineageOf(spec, specDigest, runId, transform),
        runId,
        tmpDir,
        options,
      });
      const done = await this.#deps.runs.complete(actor, runId, {
        versionKey,
        datasetVersion: dataset.version,
        reused: false,
        summary: {
          rows: dataset.rowCount,
          sources: transform.sources.map((s) => ({ name: s.name, rows: s.rowCount })),
          steps: transform.steps.map((s) => ({ index: s.index, kind: s.kind, rows: s.rowCount })),
          ...(summary ? { validation: summary } : {}),
          ...(quarantine ? { quarantine: quarantine.ref } : {}),
        },
      });
      await this.#emit('COMPLETE', runId, spec.name, inputs, [this.#output(dataset, validation)]);
      return { run: done, dataset, reused: false, validation, quarantine };
    } catch (e) {
      const err = toKilnError(e);
      const details = err.details as { summary?: ValidationSummary };
      await this.#deps.runs
        .fail(
          actor,
          runId,
          { code: err.code, message: err.message },
          details.summary ? { validation: details.summary } : null,
        )
        .catch(() => undefined);
      await this.#emit('FAIL', runId, spec.name, inputs, [], e);
      throw err;
    } finally {
      duck?.close();
      rmSync(tmpDir, { recursive: true, force: true });
    }
  }

  async #writeVersion(
    duck: DuckEngine,
    actor: Actor,
    w: {
      name: string;
      table: string;
      versionKey: string;
      validation: ValidationSummary | null;
      lineage: DatasetLineage;
      runId: string;
      tmpDir: string;
      options: RunPipelineOptions;
    },
  ): Promise<DatasetVersion> {
    w.options.onProgress?.({ stage: 'write' });
    const file = join(w.tmpDir, `${w.name}.parquet`);
    await duck.run(
      `COPY (SELECT * FROM ${quoteIdent(w.table)}) TO ${quoteLiteral(file)} (FORMAT parquet, COMPRESSION zstd)`,
    );
    w.options.onProgress?.({ stage: 'profile' });
    const profile = await profileRelation(duck, w.table);
    const schema: DatasetColumn[] = (await duck.describe(w.table)).map((c) => ({
      name: c.name,
      type: c.type,
    }));
    return this.#deps.datasets.createVersion(actor, {
      dataset: w.name,
      parquetPath: file,
      versionKey: w.versionKey,
      schema,
      rowCount: profile.row_count,
      profile,
      validation: w.validation,
      lineage: w.lineage,
      pipelineRunId: w.runId,
    });
  }

  /** Digest of the spec (with its suite) and every input: file digests, or a content digest of database rows. */
  async #versionKey(duck: DuckEngine, t: TransformOutput, specDigest: string): Promise<string> {
    const parts: unknown[] = [specDigest];
    for (const s of t.sources) {
      parts.push(
        s.files ? { name: s.name, files: s.files.map((f) => f.sha256) } : { name: s.name, query: s.query },
      );
    }
    if (t.sources.some((s) => s.files === null)) {
      // Database rows have no file digest: the key covers the output's content instead (order-free).
      const r = await duck.query(
        `SELECT md5(coalesce(string_agg(h, '' ORDER BY h), '')) AS d FROM (SELECT md5(CAST(t AS VARCHAR)) AS h FROM ${quoteIdent(t.table)} t)`,
      );
      parts.push({ content: String(r.rows[0]?.d ?? '') });
    }
    return sha256(JSON.stringify(parts));
  }

  #output(version: DatasetVersion, validation: ValidationResult | null): LineageDataset {
    const base = kilnDatasetVersion({
      workspace: this.#deps.workspaceName,
      dataset: version.dataset,
      version: version.version,
    });
    return {
      ...base,
      fields: fieldsFromProfile(version.profile),
      metrics: metricsFromProfile(version.profile, version.sizeBytes),
      ...(validation ? { assertions: assertionsFromValidation(validation) } : {}),
    };
  }

  async #emit(
    type: 'START' | 'COMPLETE' | 'FAIL',
    runId: string,
    job: string,
    inputs: LineageDataset[],
    outputs: LineageDataset[],
    error?: unknown,
  ): Promise<void> {
    if (!this.#deps.lineage) return;
    await this.#deps.lineage.emit(type, {
      runId,
      jobNamespace: `kiln://${this.#deps.workspaceName}`,
      jobName: job,
      eventTime: new Date(),
      inputs,
      outputs,
      ...(type === 'FAIL' ? { error: lineageErrorOf(error) } : {}),
    });
  }
}

/** The workspace's name for lineage namespaces: its folder name, reduced to URI-safe characters. */
export function workspaceNameOf(workspaceDir: string): string {
  const name = basename(resolve(workspaceDir)).replace(/[^A-Za-z0-9._~-]/g, '-');
  return name === '' ? 'workspace' : name;
}

function readSpec(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new KilnError(
      'PIPELINE_SPEC_INVALID',
      `cannot read the pipeline spec ${path}: ${(e as Error).message}`,
      {
        path,
      },
    );
  }
}

async function loadSuite(
  spec: PipelineSpec,
  baseDir: string,
  allowedRoots: readonly string[] | undefined,
): Promise<{ suite: ExpectationSuite; text: string }> {
  const [file] = await resolveDataPath(spec.expectations!, {
    baseDir,
    field: 'expectations',
    ...(allowedRoots ? { allowedRoots } : {}),
  });
  const text = readFileSync(file!.path, 'utf8');
  return { suite: parseSuite(text, spec.expectations!), text };
}

function summarize(
  suite: ExpectationSuite,
  v: ValidationResult,
  onFail: ValidationSummary['onFail'],
): ValidationSummary {
  const failed = v.results.filter((r) => !r.success);
  return {
    suite: suite.name,
    success: v.success,
    evaluated: v.statistics.evaluated_expectations,
    failed: failed.length,
    failedExpectations: failed.map((r) => {
      const col = r.expectation_config.kwargs.column;
      return col === undefined ? r.expectation_config.type : `${r.expectation_config.type}(${String(col)})`;
    }),
    onFail,
  };
}

function validationFailed(name: string, summary: ValidationSummary, runId: string): KilnError {
  return new KilnError(
    'VALIDATION_FAILED',
    `${name}: ${summary.failed} of ${summary.evaluated} expectations failed (${summary.failedExpectations.join(', ')}); on_fail is block, so no dataset version was made`,
    { runId, failed: summary.failedExpectations, summary },
  );
}

function lineageOf(
  spec: PipelineSpec,
  specDigest: string,
  runId: string,
  t: TransformOutput,
): DatasetLineage {
  const sources: LineageSource[] = t.sources.map((s) => ({
    name: s.name,
    type: s.type,
    files: s.files ? s.files.map((f) => ({ path: f.path, sha256: f.sha256, bytes: f.bytes })) : null,
    ...(s.query !== undefined ? { query: s.query } : {}),
    rowCount: s.rowCount,
  }));
  return {
    pipeline: spec.name,
    specDigest,
    pipelineRunId: runId,
    sources,
    steps: t.steps.map((s) => ({ index: s.index, kind: s.kind, params: s.params })),
  };
}

function lineageInputs(spec: PipelineSpec, t: TransformOutput, env: NodeJS.ProcessEnv): LineageDataset[] {
  const out: LineageDataset[] = [];
  for (const s of t.sources) {
    if (s.files) {
      for (const f of s.files) out.push(fileDataset(f.path));
      continue;
    }
    const src = spec.sources[s.name];
    if (src?.type !== 'postgres') continue;
    const url = src.url ?? (src.url_env ? env[src.url_env] : undefined);
    if (!url) continue;
    try {
      out.push(postgresDataset(url, src.table ? { table: src.table } : { query: src.query ?? '' }));
    } catch {
      // A URL lineage cannot name (no host or database) is left out of the event, not fatal.
    }
  }
  return out;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
