/**
 * Metrics of the metered layer, kept off the hot path: each operation bumps a plain
 * number on the store, and prom-client reads those numbers only when scraped (a `collect`
 * callback); latency is timed on one call in `SAMPLE_EVERY` for gets and puts, and always
 * for the rare, slow ones (flush, prefetch, restore, range).
 *
 * Series are labelled by store, task and backend. The metric objects are registered once
 * per registry and shared by every store registered on it.
 *
 * @example
 * ```ts
 * const metrics = StoreMetrics.register(registry, { store: 'counts', task: '0_1', backend: 'rocksdb' });
 * metrics.counts.put++;
 * if (metrics.sampled()) { const start = performance.now(); ...; metrics.observe('put', start); }
 * ```
 */

import { Counter, Histogram, register as defaultRegistry, type Registry } from 'prom-client';

/** `fetch` and `remove` are the window and session stores' reads and deletes, as Kafka Streams names them. */
export const STORE_OPERATIONS = ['put', 'get', 'delete', 'put_if_absent', 'range', 'prefetch', 'flush', 'restore', 'fetch', 'remove'] as const;
export type StoreOperation = (typeof STORE_OPERATIONS)[number];

/** Gets and puts are timed once in this many calls (a power of two: the check is a mask). */
export const SAMPLE_EVERY = 64;

type Label = 'store' | 'task' | 'backend';
type Labels = Readonly<Record<Label, string>>;
type Observer = { observe(seconds: number): void };

class RegistryMetrics {
  readonly live = new Set<StoreMetrics>();
  readonly latency: Histogram<Label | 'operation'>;

  constructor(registry: Registry) {
    const live = this.live;
    new Counter<Label | 'operation'>({
      name: 'kstreams_state_store_operations_total',
      help: 'State store operations by store, task, backend and operation.',
      labelNames: ['store', 'task', 'backend', 'operation'],
      registers: [registry],
      collect() {
        this.reset();
        for (const metrics of live) {
          for (const operation of STORE_OPERATIONS) {
            const count = metrics.counts[operation];
            if (count > 0) this.inc({ ...metrics.labels, operation }, count);
          }
        }
      },
    });
    new Counter<Label>({
      name: 'kstreams_state_store_restored_records_total',
      help: 'Changelog records applied to a state store while restoring.',
      labelNames: ['store', 'task', 'backend'],
      registers: [registry],
      collect() {
        this.reset();
        for (const metrics of live) if (metrics.restoredRecords > 0) this.inc(metrics.labels, metrics.restoredRecords);
      },
    });
    new Counter<Label>({
      name: 'kstreams_state_store_dropped_records_total',
      help: 'Window and session store writes dropped because their window was older than the store retention.',
      labelNames: ['store', 'task', 'backend'],
      registers: [registry],
      collect() {
        this.reset();
        for (const metrics of live) if (metrics.droppedRecords > 0) this.inc(metrics.labels, metrics.droppedRecords);
      },
    });
    this.latency = new Histogram({
      name: 'kstreams_state_store_latency_seconds',
      help: `State store operation latency; gets and puts sampled one in ${SAMPLE_EVERY}.`,
      labelNames: ['store', 'task', 'backend', 'operation'],
      buckets: [1e-6, 5e-6, 2e-5, 1e-4, 5e-4, 0.002, 0.01, 0.05, 0.25, 1, 5],
      registers: [registry],
    });
  }
}

const byRegistry = new WeakMap<Registry, RegistryMetrics>();

export class StoreMetrics {
  readonly labels: Labels;
  readonly counts: Record<StoreOperation, number> = { put: 0, get: 0, delete: 0, put_if_absent: 0, range: 0, prefetch: 0, flush: 0, restore: 0, fetch: 0, remove: 0 };
  restoredRecords = 0;
  /** Window and session puts dropped because their window had expired (Kafka Streams' `dropped-records`). */
  droppedRecords = 0;
  readonly #shared: RegistryMetrics;
  readonly #observers = new Map<StoreOperation, Observer>();
  #calls = 0;

  private constructor(shared: RegistryMetrics, labels: Labels) {
    this.#shared = shared;
    this.labels = labels;
  }

  static register(registry: Registry | undefined, labels: Labels): StoreMetrics {
    const target = registry ?? defaultRegistry;
    let shared = byRegistry.get(target);
    if (shared === undefined) {
      shared = new RegistryMetrics(target);
      byRegistry.set(target, shared);
    }
    const metrics = new StoreMetrics(shared, labels);
    shared.live.add(metrics);
    return metrics;
  }

  /** True once every `SAMPLE_EVERY` calls: the caller times that call. */
  sampled(): boolean {
    return (++this.#calls & (SAMPLE_EVERY - 1)) === 0;
  }

  observe(operation: StoreOperation, startMs: number): void {
    let observer = this.#observers.get(operation);
    if (observer === undefined) {
      observer = this.#shared.latency.labels({ ...this.labels, operation });
      this.#observers.set(operation, observer);
    }
    observer.observe((performance.now() - startMs) / 1000);
  }

  unregister(): void {
    this.#shared.live.delete(this);
    for (const operation of this.#observers.keys()) this.#shared.latency.remove({ ...this.labels, operation });
    this.#observers.clear();
  }
}
