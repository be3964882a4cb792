/**
 * The compiler's wrapper around the builders of the stores windowed operators own. The
 * store the builder makes is the one `state/` stacked; the wrapper adds two things the
 * DSL knows and the store cannot:
 * - the metrics registry: processors do not see the store context, where the runtime
 *   passes its registry (the client's, or a worker thread's), so each store remembers the
 *   registry it was initialised with and the operator asks for it (`registryOf`); without
 *   one, prom-client's default registry is used, as the store layers do;
 * - the prefetch span: the task prefetches a batch's keys with the batch's record-time
 *   span (`processors/runtime/task-stores.ts`), and `widen` turns it into the window starts
 *   (or session ends) the operator will read for those records, so that their reads answer
 *   synchronously. A prefetch without a span loads nothing, nor does one of a store keyed
 *   otherwise than by the record key (the suppression buffer, keyed by windowed keys).
 *
 * @example
 * ```ts
 * const builder = dslWindowedStore(Stores.timestampedWindowStoreBuilder(supplier, keySerde, valueSerde), (from, to) => [from - size + 1, to]);
 * // in the processor's init:
 * const registry = registryOf(context.getStateStore(storeName));
 * ```
 */

import type { Registry } from 'prom-client';
import type { StoreBuilder } from '../../../state/api/store-builder.ts';
import type { StateStore, StateStoreContext } from '../../../state/api/state-store.ts';

const registries = new WeakMap<StateStore, Registry | undefined>();

export function registryOf(store: StateStore): Registry | undefined {
  return registries.get(store);
}

/**
 * From the record-time span of a batch to the span of times the operator reads, and for
 * fixed windows the step of their starts (the store then reads those starts as points);
 * `none` for a store keyed otherwise than by the record key.
 */
export type PrefetchSpan = ((recordsFrom: number, recordsTo: number) => readonly [number, number] | readonly [number, number, number]) | 'none';

type SpanPrefetch = (keys: readonly unknown[], timeFrom?: number, timeTo?: number, startsEveryMs?: number) => Promise<void>;

export function dslWindowedStore<S extends StateStore>(builder: StoreBuilder<S>, widen?: PrefetchSpan): StoreBuilder<S> {
  return Object.freeze({
    get name() {
      return builder.name;
    },
    get loggingEnabled() {
      return builder.loggingEnabled;
    },
    get logConfig() {
      return builder.logConfig;
    },
    get cachingEnabled() {
      return builder.cachingEnabled;
    },
    build(): S {
      const store = builder.build();
      // Own properties over the class methods: the store's other methods are untouched.
      const init = store.init.bind(store);
      store.init = (context: StateStoreContext): Promise<void> => {
        registries.set(store, context.metricsRegistry);
        return init(context);
      };
      const prefetchable = store as S & { prefetch?: SpanPrefetch };
      const prefetch = prefetchable.prefetch?.bind(store);
      if (prefetch !== undefined && widen !== undefined) {
        prefetchable.prefetch = (keys, from, to) => {
          if (widen === 'none' || from === undefined || to === undefined) return Promise.resolve();
          const [low, high, startsEveryMs] = widen(from, to);
          return startsEveryMs === undefined ? prefetch(keys, Math.max(0, low), high) : prefetch(keys, Math.max(0, low), high, startsEveryMs);
        };
      }
      return store;
    },
  });
}
