/**
 * @module serve/fast-histogram
 * A Prometheus histogram for the inference hot path. prom-client's `Histogram` validates and hashes
 * the labels on every `observe`, even through a labelled child; at thousands of requests a second
 * and three histograms a request, that was a measurable share of a small model's server CPU. Here a
 * child is labelled once and `observe` is a bucket search and three additions. The object registers
 * in a prom-client `Registry` like any metric (`get()` returns prom-client's shape), so `/metrics`
 * renders it with the rest, in the standard `_bucket{le}` / `_sum` / `_count` form.
 */
import type { Registry } from 'prom-client';

type Labels = Readonly<Record<string, string>>;

/** One labelled series: cumulative counts are computed at scrape time, not per observation. */
export class HistogramChild {
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(
    readonly labels: Labels,
    private readonly bounds: readonly number[],
  ) {
    this.counts = new Float64Array(bounds.length);
  }

  observe(value: number): void {
    if (!Number.isFinite(value)) throw new TypeError(`a histogram observation must be finite, got ${value}`);
    const bounds = this.bounds;
    for (let i = 0; i < bounds.length; i++) {
      if (value <= (bounds[i] as number)) {
        this.counts[i] = (this.counts[i] as number) + 1;
        break;
      }
    }
    this.sum += value;
    this.count += 1;
  }
}

export interface FastHistogramOptions {
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly string[];
  /** Upper bounds, ascending; `+Inf` is implied. */
  readonly buckets: readonly number[];
  readonly registers?: readonly Registry[];
}

/** A histogram whose children are labelled once; register it in a prom-client registry. */
export class FastHistogram {
  readonly name: string;
  readonly help: string;
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  readonly #labelNames: readonly string[];
  readonly #bounds: readonly number[];
  readonly #children = new Map<string, HistogramChild>();

  constructor(options: FastHistogramOptions) {
    const bounds = [...options.buckets];
    for (let i = 1; i < bounds.length; i++) {
      if (!((bounds[i] as number) > (bounds[i - 1] as number))) {
        throw new Error(`${options.name}: buckets must be strictly ascending, got ${bounds.join(', ')}`);
      }
    }
    this.name = options.name;
    this.help = options.help;
    this.#labelNames = options.labelNames;
    this.#bounds = bounds;
    for (const registry of options.registers ?? []) registry.registerMetric(this as never);
  }

  /** The child for these labels (every label name, nothing else), created on first use. */
  labels(labels: Labels): HistogramChild {
    const names = Object.keys(labels);
    if (names.length !== this.#labelNames.length || !this.#labelNames.every((n) => n in labels)) {
      throw new Error(
        `${this.name}: labels must be exactly ${this.#labelNames.join(', ')}, got ${names.join(', ')}`,
      );
    }
    const key = this.#labelNames.map((n) => labels[n]).join('\u0000');
    let child = this.#children.get(key);
    if (!child) {
      child = new HistogramChild({ ...labels }, this.#bounds);
      this.#children.set(key, child);
    }
    return child;
  }

  observe(labels: Labels, value: number): void {
    this.labels(labels).observe(value);
  }

  reset(): void {
    this.#children.clear();
  }

  /** prom-client's metric shape, read by `Registry.metrics()`. */
  async get(): Promise<{
    name: string;
    help: string;
    type: string;
    aggregator: string;
    values: { labels: Record<string, string | number>; value: number; metricName: string }[];
  }> {
    const values: { labels: Record<string, string | number>; value: number; metricName: string }[] = [];
    for (const child of this.#children.values()) {
      let cumulative = 0;
      this.#bounds.forEach((bound, i) => {
        cumulative += child.counts[i] as number;
        values.push({
          labels: { le: bound, ...child.labels },
          value: cumulative,
          metricName: `${this.name}_bucket`,
        });
      });
      values.push({
        labels: { le: '+Inf', ...child.labels },
        value: child.count,
        metricName: `${this.name}_bucket`,
      });
      values.push({ labels: { ...child.labels }, value: child.sum, metricName: `${this.name}_sum` });
      values.push({ labels: { ...child.labels }, value: child.count, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }
}
