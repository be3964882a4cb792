/**
 * The read-only window-store view `KafkaStreams.store()` returns for
 * `QueryableStoreTypes.windowStore()`, as Kafka Streams' `CompositeReadOnlyWindowStore`:
 * reads of one key go to the local copy of the key's partition; reads over keys or time
 * only go through every local copy, one after the other. Values of timestamped (DSL)
 * window stores are unwrapped unless the timestamped type was asked for.
 *
 * @example
 * ```ts
 * const windows = streams.store({ storeName: 'clicks-per-minute', queryableStoreType: QueryableStoreTypes.windowStore<string, number>() });
 * for await (const { key: windowStart, value } of windows.fetchRange('user-7', from, to)) console.log(windowStart, value);
 * ```
 */

import type { Awaitable } from '../../../common/awaitable.ts';
import type { KeyValue } from '../../../state/api/state-store.ts';
import type { ReadOnlyWindowStore } from '../../../state/api/window-store.ts';
import type { Windowed } from '../../../state/api/windowed.ts';
import { mapValues, mergeRanges } from './merged-ranges.ts';
import { guarded, requireShape, type StoreInstances, type ValueMapper } from './store-instances.ts';

type AnyWindowStore = ReadOnlyWindowStore<unknown, unknown>;

export class WindowView<K, V> implements ReadOnlyWindowStore<K, V> {
  readonly #instances: StoreInstances;
  readonly #mapValue: ValueMapper;

  constructor(instances: StoreInstances, mapValue: ValueMapper) {
    this.#instances = instances;
    this.#mapValue = mapValue;
  }

  fetch(key: K, windowStart: number): Awaitable<V | undefined> {
    const copies = this.#instances.forKey(key).map((i) => this.#store(i.store));
    return (async () => {
      for (const store of copies) {
        const found = await guarded(this.#instances.storeName, () => store.fetch(key, windowStart));
        if (found !== undefined) return this.#mapValue(found) as V | undefined;
      }
      return undefined;
    })();
  }

  fetchRange(key: K, timeFrom: number, timeTo: number): AsyncIterable<KeyValue<number, V>> {
    const copies = this.#instances.forKey(key).map((i) => this.#store(i.store).fetchRange(key, timeFrom, timeTo));
    return mapValues(mergeRanges(this.#instances.storeName, copies, () => undefined), this.#mapValue) as AsyncIterable<KeyValue<number, V>>;
  }

  fetchKeyRange(keyFrom: K | undefined, keyTo: K | undefined, timeFrom: number, timeTo: number): AsyncIterable<KeyValue<Windowed<K>, V>> {
    return this.#all((store) => store.fetchKeyRange(keyFrom, keyTo, timeFrom, timeTo));
  }

  fetchAll(timeFrom: number, timeTo: number): AsyncIterable<KeyValue<Windowed<K>, V>> {
    return this.#all((store) => store.fetchAll(timeFrom, timeTo));
  }

  all(): AsyncIterable<KeyValue<Windowed<K>, V>> {
    return this.#all((store) => store.all());
  }

  #all(read: (store: AnyWindowStore) => AsyncIterable<KeyValue<Windowed<unknown>, unknown>>): AsyncIterable<KeyValue<Windowed<K>, V>> {
    const sources = this.#instances.all().map((i) => read(this.#store(i.store)));
    return mapValues(mergeRanges(this.#instances.storeName, sources, () => undefined), this.#mapValue) as AsyncIterable<KeyValue<Windowed<K>, V>>;
  }

  #store(store: object): AnyWindowStore {
    requireShape(store as never, 'window', this.#instances.storeName);
    return store as AnyWindowStore;
  }
}
