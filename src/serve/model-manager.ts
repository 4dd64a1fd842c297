/**
 * @module serve/model-manager
 * Keeps every deployment loaded and current. It polls the revision counters that registry and
 * deployment changes bump (every `pollMs`, 250 ms by default, so a change is live within 1 s),
 * and reconciles: a deployment whose resolved version or settings changed gets a new served model,
 * loaded and warmed BEFORE the switch; the old one keeps answering the requests it already has,
 * is drained, then released. Requests never see a half-loaded model.
 */
import type { Deployment, DeploymentService } from '../deploy/deployment-service.js';
import type { RegistryService } from '../registry/registry-service.js';
import type { LoadedModel } from './model-runtime.js';
import type { ServedModel, ServedModels } from './served-model.js';

/** A served model the manager can retire. */
export interface ManagedModel extends ServedModel {
  /** Identity of what it serves: version + settings; a change means reload. */
  readonly key: string;
  /** Stops taking requests, finishes those it has, releases the runtime. */
  retire(): Promise<void>;
  /** How the model runs, for the `serving` log line (absent for stand-ins). */
  readonly execution?: ExecutionSummary;
}

/** Where a served model's runs happen and why: logged when it starts serving. */
export interface ExecutionSummary {
  readonly mode: LoadedModel['mode'];
  readonly workers: number;
  readonly intraOpThreads: number;
  /** The probe's time of one run at the max batch size, in µs, when `workers: auto` asked for it. */
  readonly probeMicros: number | null;
}

/** Builds a served model for a deployment at a version (loads and warms it). */
export type ServedModelLoader = (
  deployment: Deployment,
  version: number,
  registry: RegistryService,
) => Promise<ManagedModel>;

/** A stand-in entry while a deployment cannot serve (loading the first time, or failed). */
export type StandInFactory = (
  deployment: Deployment,
  version: number,
  state: 'LOADING' | 'FAILED',
  error: string | null,
) => ManagedModel;

export interface ModelManagerDeps {
  readonly deployments: DeploymentService;
  readonly registry: RegistryService;
  readonly load: ServedModelLoader;
  readonly standIn: StandInFactory;
  readonly logger: {
    info(o: object, m: string): void;
    warn(o: object, m: string): void;
    error(o: object, m: string): void;
  };
  readonly pollMs?: number;
}

export function servedKey(deployment: Deployment, version: number): string {
  return JSON.stringify([deployment.model, version, deployment.settings, deployment.public]);
}

export class ModelManager implements ServedModels {
  readonly #deps: ModelManagerDeps;
  readonly #served = new Map<string, ManagedModel>();
  #revision = -1;
  #ready = false;
  #timer: NodeJS.Timeout | null = null;
  #reconciling: Promise<void> | null = null;
  #closed = false;

  constructor(deps: ModelManagerDeps) {
    this.#deps = deps;
  }

  get(deployment: string): ServedModel | undefined {
    return this.#served.get(deployment);
  }

  list(): ServedModel[] {
    return [...this.#served.values()];
  }

  ready(): boolean {
    return this.#ready && !this.#closed;
  }

  /** Loads every deployment once, then keeps polling for changes. */
  async start(): Promise<void> {
    await this.reconcile();
    this.#ready = true;
    const poll = async () => {
      if (this.#closed) return;
      try {
        const revision = await this.#deps.deployments.revision();
        if (revision !== this.#revision) await this.reconcile();
      } catch (e) {
        this.#deps.logger.warn({ err: e }, 'deployment poll failed; will retry');
      }
      if (!this.#closed) this.#timer = setTimeout(poll, this.#deps.pollMs ?? 250);
    };
    this.#timer = setTimeout(poll, this.#deps.pollMs ?? 250);
  }

  /** Brings every served model in line with the store; serialised, so runs never overlap. */
  reconcile(): Promise<void> {
    const run = (this.#reconciling ?? Promise.resolve()).then(() => this.#reconcileOnce());
    this.#reconciling = run.catch(() => {});
    return run;
  }

  async #reconcileOnce(): Promise<void> {
    if (this.#closed) return;
    const { deployments, registry, logger } = this.#deps;
    this.#revision = await deployments.revision();
    const wanted = await deployments.list();
    const names = new Set(wanted.map((d) => d.name));
    for (const [name, served] of this.#served) {
      if (!names.has(name)) {
        this.#served.delete(name);
        logger.info({ deployment: name }, 'deployment removed; draining');
        void served.retire();
      }
    }
    for (const d of wanted) {
      let version: number;
      try {
        version = (await deployments.resolveVersion(d)).version;
      } catch (e) {
        const current = this.#served.get(d.name);
        // An alias that vanished or a version that went away: keep serving what is loaded, if anything.
        if (!current || current.state !== 'READY') {
          this.#served.set(
            d.name,
            this.#deps.standIn(d, current?.version ?? 0, 'FAILED', (e as Error).message),
          );
        }
        logger.warn({ deployment: d.name, err: e }, 'cannot resolve what the deployment serves');
        continue;
      }
      const key = servedKey(d, version);
      const current = this.#served.get(d.name);
      if (current?.key === key && current.state === 'READY') continue;
      if (!current || current.state !== 'READY')
        this.#served.set(d.name, this.#deps.standIn(d, version, 'LOADING', null));
      try {
        const next = await this.#deps.load(d, version, registry);
        if (this.#closed) {
          await next.retire();
          return;
        }
        const previous = this.#served.get(d.name);
        this.#served.set(d.name, next);
        logger.info({ deployment: d.name, model: d.model, version, ...executionFields(next) }, 'serving');
        if (previous && previous !== next) void previous.retire();
      } catch (e) {
        logger.error({ deployment: d.name, version, err: e }, 'model failed to load');
        if (!current || current.state !== 'READY') {
          this.#served.set(d.name, this.#deps.standIn(d, version, 'FAILED', (e as Error).message));
        }
      }
    }
  }

  /** Stops polling and retires every served model (each drains first). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    await this.#reconciling;
    const all = [...this.#served.values()];
    this.#served.clear();
    await Promise.all(all.map((m) => m.retire()));
  }
}

function executionFields(m: ManagedModel): Record<string, unknown> {
  const e = m.execution;
  if (!e) return {};
  return {
    execution: e.mode,
    workers: e.workers,
    intraOpThreads: e.intraOpThreads,
    ...(e.probeMicros === null ? {} : { probeMicros: Math.round(e.probeMicros) }),
  };
}
