/**
 * The state stores of one task: built from the plan's store builders (one instance per
 * task), opened, prefetched once per batch, flushed before a commit, closed.
 *
 * Prefetch uses the batch's record keys. Within one sub-topology a stateful DSL node's
 * store is keyed by the record key (a key change always goes through a repartition
 * topic), so these are the keys the batch will read. A store keyed otherwise (a Processor
 * API store, a window store) gains nothing from it; when its prefetch rejects (keys of
 * another type), prefetch is turned off for that store and reads simply go to the store.
 */

import type { SubtopologyPlan, StorePlan, TopologyPlan } from '../plan/topology-plan.ts';
import type { KeyValueStore } from '../../state/api/key-value-store.ts';
import type { StateStore, StateStoreContext } from '../../state/api/state-store.ts';
import type { StreamRecord } from '../api/record.ts';

type Prefetchable = StateStore & Pick<KeyValueStore<unknown, unknown>, 'prefetch'>;

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
    for (const record of batch) {
      const key = (record as Partial<StreamRecord<unknown, unknown>>).key;
      if (key !== undefined && key !== null) keys.push(key);
    }
    if (keys.length === 0) return undefined;
    if (stores.length === 1) return this.#prefetchOne(stores[0] as Prefetchable, keys);
    return Promise.all(stores.map((store) => this.#prefetchOne(store, keys))).then(noop);
  }

  #prefetchOne(store: Prefetchable, keys: readonly unknown[]): Promise<void> {
    return store.prefetch(keys).catch(() => {
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

function noop(): void {}
