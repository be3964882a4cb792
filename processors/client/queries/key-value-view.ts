/**
 * The read-only key-value view `KafkaStreams.store()` returns, as Kafka Streams'
 * `CompositeReadOnlyKeyValueStore`: `get` goes to the local copy of the key's partition
 * (murmur2 of the key's bytes, as the producer partitioned it); `range` and `all` merge
 * the local copies in key byte order; `approximateNumEntries` adds them up. Copies are
 * looked up again on every call, so a view stays usable across rebalances: a call made
 * while the store is not available here throws the retriable `KST_STREAMS_STORE_UNAVAILABLE`.
 *
 * @example
 * ```ts
 * const counts = streams.store({ storeName: 'counts', queryableStoreType: QueryableStoreTypes.keyValueStore<string, number>() });
 * await counts.get('alpha');
 * for await (const { key, value } of counts.range('a', 'c')) console.log(key, value);
 * ```
 */

import type { Awaitable } from '../../../common/awaitable.ts';
import type { ReadOnlyKeyValueStore } from '../../../state/api/key-value-store.ts';
import type { KeyValue } from '../../../state/api/state-store.ts';
import { mapValues, mergeRanges } from './merged-ranges.ts';
import { guarded, requireShape, type StoreInstances, type ValueMapper } from './store-instances.ts';

type AnyKeyValueStore = ReadOnlyKeyValueStore<unknown, unknown>;

export class KeyValueView<K, V> implements ReadOnlyKeyValueStore<K, V> {
  readonly #instances: StoreInstances;
  readonly #mapValue: ValueMapper;

  constructor(instances: StoreInstances, mapValue: ValueMapper) {
    this.#instances = instances;
    this.#mapValue = mapValue;
  }

  get(key: K): Awaitable<V | undefined> {
    const name = this.#instances.storeName;
    const copies = this.#instances.forKey(key).map((i) => this.#store(i.store));
    return (async () => {
      for (const store of copies) {
        const found = await guarded(name, () => store.get(key));
        if (found !== undefined) return this.#mapValue(found) as V | undefined;
      }
      return undefined;
    })();
  }

  range(from?: K, to?: K): AsyncIterable<KeyValue<K, V>> {
    return this.#merged((store) => store.range(from, to));
  }

  all(): AsyncIterable<KeyValue<K, V>> {
    return this.#merged((store) => store.all());
  }

  async approximateNumEntries(): Promise<number> {
    const name = this.#instances.storeName;
    let total = 0;
    for (const instance of this.#instances.all()) total += await guarded(name, () => this.#store(instance.store).approximateNumEntries());
    return total;
  }

  #merged(read: (store: AnyKeyValueStore) => AsyncIterable<KeyValue<unknown, unknown>>): AsyncIterable<KeyValue<K, V>> {
    const instances = this.#instances;
    const sources = instances.all().map((i) => read(this.#store(i.store)));
    const merged = mergeRanges(instances.storeName, sources, (entry) => instances.keyBytes(entry.key));
    return mapValues(merged, this.#mapValue) as AsyncIterable<KeyValue<K, V>>;
  }

  #store(store: object): AnyKeyValueStore {
    requireShape(store as never, 'keyValue', this.#instances.storeName);
    return store as AnyKeyValueStore;
  }
}
