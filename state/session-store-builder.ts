/**
 * The one place where a session store's layers are stacked, as Kafka Streams'
 * `SessionStoreBuilder`: metered (typed) → caching → change-logging → segmented bytes
 * store. The caching and change-logging layers are the key-value ones, working on store
 * keys `key + session end + session start`, which is also the changelog key.
 *
 * @example
 * ```ts
 * const builder = Stores.sessionStoreBuilder(Stores.persistentSessionStore('visits', 86_400_000), Serdes.String(), Serdes.Long());
 * const store = builder.build();
 * await store.init(context);
 * store.put({ key: 'user-1', window: { start: 1_000, end: 5_000 } }, 3);
 * for await (const { key, value } of store.findSessions('user-1', 0, 10_000)) console.log(key.window, value);
 * ```
 */

import type { Serde } from '../schemas/serdes/serde.ts';
import type { KeyValueBytesStore } from './api/bytes-store.ts';
import type { SessionBytesStoreSupplier } from './api/segmented-bytes-store.ts';
import { CachingKeyValueStore } from './internals/caching-store.ts';
import { ChangeLoggingKeyValueStore } from './internals/change-logging-store.ts';
import { DEFAULT_LAYER_SETTINGS, LayeredStoreBuilder, type LayerSettings } from './internals/layered-store-builder.ts';
import { MeteredSessionStore } from './internals/metered-session-store.ts';

export class SessionStoreBuilder<K, V> extends LayeredStoreBuilder<MeteredSessionStore<K, V>> {
  readonly #supplier: SessionBytesStoreSupplier;
  readonly #keySerde: Serde<K>;
  readonly #valueSerde: Serde<V>;

  constructor(supplier: SessionBytesStoreSupplier, keySerde: Serde<K>, valueSerde: Serde<V>, settings: LayerSettings = DEFAULT_LAYER_SETTINGS) {
    super(settings);
    this.#supplier = supplier;
    this.#keySerde = keySerde;
    this.#valueSerde = valueSerde;
  }

  get name(): string {
    return this.#supplier.name;
  }

  get retentionMs(): number {
    return this.#supplier.retentionMs;
  }

  protected get storeRetentionMs(): number {
    return this.#supplier.retentionMs;
  }

  build(): MeteredSessionStore<K, V> {
    const bottom = this.#supplier.get();
    let store: KeyValueBytesStore = bottom;
    if (this.settings.logging) store = new ChangeLoggingKeyValueStore(store, false);
    if (this.settings.caching) store = new CachingKeyValueStore(store, this.settings.cacheMaxBytes);
    return new MeteredSessionStore(store, bottom, this.#keySerde, this.#valueSerde, this.#supplier.metricsScope);
  }

  protected copy(settings: LayerSettings): this {
    return new SessionStoreBuilder(this.#supplier, this.#keySerde, this.#valueSerde, settings) as this;
  }
}
