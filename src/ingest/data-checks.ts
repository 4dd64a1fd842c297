/**
 * @module ingest/data-checks
 * Validation, profiling and suite suggestion on a target that is either a data file (by its
 * extension: .csv, .tsv, .parquet, .json, .ndjson, .jsonl) or a dataset version (`name@N`, or
 * `name` for the latest). Dataset versions answer `profile` from the profile stored with them;
 * files are loaded into DuckDB with a pipeline source's checks.
 */
import { quoteIdent, quoteLiteral, DuckEngine } from '../store/duckdb/duck-engine.js';
import { profileRelation } from '../validate/profile/profiler.js';
import { suggestSuite } from '../validate/profile/suggester.js';
import type { DataProfile } from '../validate/profile-types.js';
import type { ExpectationSuite, ResultFormat, ValidationResult } from '../validate/suite-types.js';
import { validateRelation } from '../validate/validator.js';
import type { DatasetService } from './datasets/dataset-service.js';
import { isDataFilePath, loadDataFile } from './load-file.js';

export interface TargetOptions {
  /** Folder relative file paths resolve against. */
  readonly baseDir: string;
  /** `data.roots` for requests through the API. */
  readonly allowedRoots?: readonly string[];
}

export interface ValidateTargetOptions extends TargetOptions {
  readonly resultFormat?: ResultFormat;
  readonly keyColumns?: readonly string[];
}

const TABLE = 'data';

export class DataChecks {
  readonly #datasets: DatasetService;

  constructor(datasets: DatasetService) {
    this.#datasets = datasets;
  }

  async validate(
    target: string,
    suite: ExpectationSuite,
    options: ValidateTargetOptions,
  ): Promise<ValidationResult> {
    return this.#withTarget(target, options, async (duck, label) =>
      validateRelation(duck, TABLE, suite, {
        dataLabel: label,
        ...(options.resultFormat ? { resultFormat: options.resultFormat } : {}),
        ...(options.keyColumns ? { keyColumns: options.keyColumns } : {}),
      }),
    );
  }

  async profile(target: string, options: TargetOptions): Promise<{ label: string; profile: DataProfile }> {
    if (!isDataFilePath(target)) {
      const v = await this.#datasets.getVersion(target);
      return { label: v.ref, profile: v.profile };
    }
    return this.#withTarget(target, options, async (duck, label) => ({
      label,
      profile: await profileRelation(duck, TABLE),
    }));
  }

  async suggest(target: string, name: string, options: TargetOptions): Promise<ExpectationSuite> {
    const { label, profile } = await this.profile(target, options);
    return suggestSuite(profile, name, { dataLabel: label });
  }

  async #withTarget<T>(
    target: string,
    options: TargetOptions,
    fn: (duck: DuckEngine, label: string) => Promise<T>,
  ): Promise<T> {
    const duck = await DuckEngine.open();
    try {
      let label: string;
      if (isDataFilePath(target)) {
        await loadDataFile(duck, target, TABLE, options);
        label = target;
      } else {
        const { version, path } = await this.#datasets.parquetPath(target);
        await duck.run(
          `CREATE VIEW ${quoteIdent(TABLE)} AS SELECT * FROM read_parquet(${quoteLiteral(path)})`,
        );
        label = version.ref;
      }
      return await fn(duck, label);
    } finally {
      duck.close();
    }
  }
}
