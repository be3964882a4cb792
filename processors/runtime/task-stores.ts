/**
 * The state stores of one task: built from the plan's store builders (one instance per
 * task), opened, prefetched once per batch, flushed before a commit, closed.
 *
 * Prefetch uses the batch's record keys. Within one sub-topology a stateful DSL node's
 * store is keyed by the record key (a key change always goes through a repartition
 * topic), so these are the keys the batch will read. A store keyed otherwise (a Processor
 * API store) gains nothing from it; when its prefetch rejects (keys of another type),
 * prefetch is turned off for that store and reads simply go to the store.
 *
 * Stores also get the batch's record-time span: key-value stores ignore it; the DSL's
 * window and session stores widen it to the windows those records read (see
 * `processors/dsl/windows/dsl-windowed-store.ts`) and load that span of each key.
 */

import type { SubtopologyPlan, StorePlan, TopologyPlan } from '../plan/topology-plan.ts';
import type { StateStore, StateStoreContext } from '../../state/api/state-store.ts';
import type { StreamRecord } from '../api/record.ts';

type Prefetchable = StateStore & { prefetch(keys: readonly unknown[], timeFrom?: number, timeTo?: number): Promise<void> };

function isPrefetchable(store: StateStore): store is Prefetchable {
  return typeof (store as Partial<Prefetchable>).prefetch === 'function';
}

/**
 * @example
 * ```ts
 * const stores = new TaskStores(plan, subtopology, ['counts']);
 * await stores.init((storePlan) => contextFor(storePlan));
 * await stores.prefetch(batch);
 * ```
 */
export class TaskStores {
  readonly byName = new Map<string, StateStore>();
  readonly #plans: StorePlan[] = [];
  readonly #ordered: StateStore[] = [];
  #prefetchable: Prefetchable[] = [];
  #opened: StateStore[] = [];

  constructor(plan: TopologyPlan, _subtopology: SubtopologyPlan, order: readonly string[]) {
    for (const name of order) {
      const storePlan = plan.stores[name] as StorePlan;
      const store = storePlan.builder.build();
      this.byName.set(name, store);
      this.#plans.push(storePlan);
      this.#ordered.push(store);
    }
  }

  async init(contextFor: (store: StorePlan) => StateStoreContext): Promise<void> {
    for (let i = 0; i < this.#ordered.length; i++) {
      const store = this.#ordered[i] as StateStore;
      await store.init(contextFor(this.#plans[i] as StorePlan));
      this.#opened.push(store);
    }
    this.#prefetchable = this.#ordered.filter(isPrefetchable);
  }

  /** Loads the batch's keys into the stores' caches; undefined when there is nothing to wait for. */
  prefetch(batch: readonly (StreamRecord<unknown, unknown> | object)[]): Promise<void> | undefined {
    const stores = this.#prefetchable;
    if (stores.length === 0) return undefined;
    const keys: unknown[] = [];
    let timeFrom = Number.POSITIVE_INFINITY;
    let timeTo = Number.NEGATIVE_INFINITY;
    for (const record of batch) {
      const { key, timestamp } = record as Partial<StreamRecord<unknown, unknown>>;
      if (key === undefined || key === null) continue;
      keys.push(key);
      if (typeof timestamp === 'number' && timestamp >= 0) {
        if (timestamp < timeFrom) timeFrom = timestamp;
        if (timestamp > timeTo) timeTo = timestamp;
      }
    }
    if (keys.length === 0) return undefined;
    const span: Span = timeFrom <= timeTo ? [timeFrom, timeTo] : undefined;
    if (stores.length === 1) return this.#prefetchOne(stores[0] as Prefetchable, keys, span);
    return Promise.all(stores.map((store) => this.#prefetchOne(store, keys, span))).then(noop);
  }

  #prefetchOne(store: Prefetchable, keys: readonly unknown[], span: Span): Promise<void> {
    const loaded = span === undefined ? store.prefetch(keys) : store.prefetch(keys, span[0], span[1]);
    return loaded.catch(() => {
      this.#prefetchable = this.#prefetchable.filter((s) => s !== store);
    });
  }

  /** Flushes in topological order, so a cache flush that writes a downstream store lands before that store flushes. */
  async flush(): Promise<void> {
    for (const store of this.#opened) await store.flush();
  }

  /** Closes every opened store, even when one fails; returns the errors. */
  async close(): Promise<unknown[]> {
    const errors: unknown[] = [];
    for (const store of this.#opened) {
      try {
        await store.close();
      } catch (error) {
        errors.push(error);
      }
    }
    this.#opened = [];
    this.#prefetchable = [];
    return errors;
  }
}

type Span = readonly [timeFrom: number, timeTo: number] | undefined;

function noop(): void {}
