/**
 * @module serve/serving-metrics
 * Prometheus metrics of the data plane, labelled by deployment, model and version. Queue time and
 * compute time are separate histograms: what Triton users ask for most is which of the two grew.
 * Each Kiln instance owns its registry (no global state), exposed at `/metrics`.
 *
 * The per-request metrics cost no label work on the hot path: the latency and batch-size
 * histograms are {@link FastHistogram}s, and the OK count and pending gauge of each model are plain
 * numbers that prom-client reads when `/metrics` is scraped (its `collect` hook).
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { FastHistogram } from './fast-histogram.js';

const LABELS = ['deployment', 'model', 'version'] as const;
/** Seconds: 50 µs … 10 s. */
const LATENCY_BUCKETS = [
  0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10,
];
const BATCH_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024];

export interface ServedLabels {
  readonly deployment: string;
  readonly model: string;
  readonly version: string;
}

/** The per-model children of the request metrics, labelled once (the hot path does no label hashing). */
export interface ModelMetrics {
  readonly ok: { inc(value?: number): void };
  readonly pending: { inc(value?: number): void; dec(value?: number): void };
  readonly requestDuration: { observe(value: number): void };
  readonly queueDuration: { observe(value: number): void };
  readonly computeDuration: { observe(value: number): void };
  readonly batchSize: { observe(value: number): void };
}

/** A count kept as a plain number; prom-client reads it at scrape time. */
class LocalCount {
  value = 0;
  inc(value = 1): void {
    this.value += value;
  }
  dec(value = 1): void {
    this.value -= value;
  }
}

interface ModelEntry {
  readonly labels: ServedLabels;
  readonly ok: LocalCount;
  /** OK answers already added to the prom-client counter. */
  okReported: number;
  readonly pending: LocalCount;
  readonly metrics: ModelMetrics;
}

export class ServingMetrics {
  readonly #children = new Map<string, ModelEntry>();
  readonly #byLabels = new WeakMap<ServedLabels, ModelMetrics>();

  readonly registry = new Registry();
  readonly requests = new Counter({
    name: 'kiln_inference_requests_total',
    help: 'Inference requests answered, by outcome code (OK or an error code)',
    labelNames: [...LABELS, 'code'],
    registers: [this.registry],
    collect: () => {
      for (const e of this.#children.values()) {
        const delta = e.ok.value - e.okReported;
        if (delta > 0) this.requests.inc({ ...e.labels, code: 'OK' }, delta);
        e.okReported = e.ok.value;
      }
    },
  });
  readonly requestDuration = new FastHistogram({
    name: 'kiln_inference_request_duration_seconds',
    help: 'Time from a request arriving to its answer, in seconds',
    labelNames: [...LABELS],
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly queueDuration = new FastHistogram({
    name: 'kiln_inference_queue_duration_seconds',
    help: 'Time a request waited in the batcher queue, in seconds',
    labelNames: [...LABELS],
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly computeDuration = new FastHistogram({
    name: 'kiln_inference_compute_duration_seconds',
    help: 'Time the model ran on the batch holding the request, in seconds',
    labelNames: [...LABELS],
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly batchSize = new FastHistogram({
    name: 'kiln_inference_batch_size',
    help: 'Rows in each batch run by the model',
    labelNames: [...LABELS],
    buckets: BATCH_BUCKETS,
    registers: [this.registry],
  });
  readonly pending = new Gauge({
    name: 'kiln_inference_pending_requests',
    help: 'Requests waiting in the batcher queue or running',
    labelNames: [...LABELS],
    registers: [this.registry],
    collect: () => {
      for (const e of this.#children.values()) this.pending.set({ ...e.labels }, e.pending.value);
    },
  });
  readonly modelLoadDuration = new Histogram({
    name: 'kiln_model_load_duration_seconds',
    help: 'Time to load and warm a model version, in seconds',
    labelNames: [...LABELS],
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [this.registry],
  });

  constructor(options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics !== false)
      collectDefaultMetrics({ register: this.registry, prefix: 'kiln_process_' });
  }

  /** Cached label children for one served model version. */
  forModel(labels: ServedLabels): ModelMetrics {
    // A served model passes the same labels object on every request: found without building a key.
    const known = this.#byLabels.get(labels);
    if (known !== undefined) return known;
    const key = `${labels.deployment}\u0000${labels.model}\u0000${labels.version}`;
    let entry = this.#children.get(key);
    if (!entry) {
      const l = { deployment: labels.deployment, model: labels.model, version: labels.version };
      const ok = new LocalCount();
      const pending = new LocalCount();
      entry = {
        labels: l,
        ok,
        okReported: 0,
        pending,
        metrics: {
          ok,
          pending,
          requestDuration: this.requestDuration.labels(l),
          queueDuration: this.queueDuration.labels(l),
          computeDuration: this.computeDuration.labels(l),
          batchSize: this.batchSize.labels(l),
        },
      };
      this.#children.set(key, entry);
    }
    this.#byLabels.set(labels, entry.metrics);
    return entry.metrics;
  }

  async exposition(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
