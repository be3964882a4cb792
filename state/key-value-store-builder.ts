/**
 * The one place where a key-value store's layers are stacked, as Kafka Streams'
 * `KeyValueStoreBuilder`: metered (typed) → caching → change-logging → bytes store. The
 * settings and their `with…` methods are the ones every store builder shares
 * (`LayeredStoreBuilder`): immutable, so one builder can be shared by a topology and
 * `build()` called once per task.
 *
 * @example
 * ```ts
 * const builder = Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore('counts'), Serdes.String(), Serdes.Long())
 *   .withCachingEnabled({ maxBytes: 1 << 20 })
 *   .withLoggingEnabled({ 'min.insync.replicas': '2' });
 * const store = builder.build();
 * await store.init(context);
 * ```
 */

import type { Serde } from '../schemas/serdes/serde.ts';
import type { KeyValueBytesStore, KeyValueBytesStoreSupplier } from './api/bytes-store.ts';
import { CachingKeyValueStore } from './internals/caching-store.ts';
import { ChangeLoggingKeyValueStore } from './internals/change-logging-store.ts';
import { DEFAULT_LAYER_SETTINGS, LayeredStoreBuilder, type LayerSettings } from './internals/layered-store-builder.ts';
import { MeteredKeyValueStore } from './internals/metered-store.ts';

export type { CachingOptions } from './internals/layered-store-builder.ts';

export class KeyValueStoreBuilder<K, V> extends LayeredStoreBuilder<MeteredKeyValueStore<K, V>> {
  readonly #supplier: KeyValueBytesStoreSupplier;
  readonly #keySerde: Serde<K>;
  readonly #valueSerde: Serde<V>;
  /** Values carry an 8-byte timestamp prefix, which the changelog keeps as the record timestamp. */
  readonly timestamped: boolean;

  constructor(supplier: KeyValueBytesStoreSupplier, keySerde: Serde<K>, valueSerde: Serde<V>, timestamped = false, settings: LayerSettings = DEFAULT_LAYER_SETTINGS) {
    super(settings);
    this.#supplier = supplier;
    this.#keySerde = keySerde;
    this.#valueSerde = valueSerde;
    this.timestamped = timestamped;
  }

  get name(): string {
    return this.#supplier.name;
  }

  /** No retention: the changelog is compacted only. */
  protected get storeRetentionMs(): undefined {
    return undefined;
  }

  build(): MeteredKeyValueStore<K, V> {
    let store: KeyValueBytesStore = this.#supplier.get();
    if (this.settings.logging) store = new ChangeLoggingKeyValueStore(store, this.timestamped);
    if (this.settings.caching) store = new CachingKeyValueStore(store, this.settings.cacheMaxBytes);
    return new MeteredKeyValueStore(store, this.#keySerde, this.#valueSerde, this.#supplier.metricsScope);
  }

  protected copy(settings: LayerSettings): this {
    return new KeyValueStoreBuilder(this.#supplier, this.#keySerde, this.#valueSerde, this.timestamped, settings) as this;
  }
}
