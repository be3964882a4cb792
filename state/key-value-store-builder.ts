/**
 * The one place where a key-value store's layers are stacked, as Kafka Streams'
 * `KeyValueStoreBuilder`: metered (typed) → caching → change-logging → bytes store.
 * Builders are immutable: every `with…` returns a new builder, so one builder can be
 * shared by a topology and `build()` called once per task.
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

import { KstError } from '../common/errors.ts';
import type { Serde } from '../schemas/serdes/serde.ts';
import type { KeyValueBytesStore, KeyValueBytesStoreSupplier } from './api/bytes-store.ts';
import type { StoreBuilder } from './api/store-builder.ts';
import { CachingKeyValueStore } from './internals/caching-store.ts';
import { ChangeLoggingKeyValueStore } from './internals/change-logging-store.ts';
import { MeteredKeyValueStore } from './internals/metered-store.ts';

export interface CachingOptions {
  /** Upper bound of the store's record cache; else the task's `statestore.cache.max.bytes`, else 10 MiB. */
  readonly maxBytes?: number;
}

interface Settings {
  readonly caching: boolean;
  readonly cacheMaxBytes: number | undefined;
  readonly logging: boolean;
  readonly logConfig: Readonly<Record<string, string>>;
  /** Values carry an 8-byte timestamp prefix, which the changelog keeps as the record timestamp. */
  readonly timestamped: boolean;
}

export const DEFAULT_SETTINGS: Settings = Object.freeze({ caching: true, cacheMaxBytes: undefined, logging: true, logConfig: Object.freeze({}), timestamped: false });

export class KeyValueStoreBuilder<K, V> implements StoreBuilder<MeteredKeyValueStore<K, V>> {
  readonly #supplier: KeyValueBytesStoreSupplier;
  readonly #keySerde: Serde<K>;
  readonly #valueSerde: Serde<V>;
  readonly #settings: Settings;

  constructor(supplier: KeyValueBytesStoreSupplier, keySerde: Serde<K>, valueSerde: Serde<V>, settings: Settings = DEFAULT_SETTINGS) {
    this.#supplier = supplier;
    this.#keySerde = keySerde;
    this.#valueSerde = valueSerde;
    this.#settings = Object.freeze({ ...settings });
  }

  get name(): string {
    return this.#supplier.name;
  }

  get loggingEnabled(): boolean {
    return this.#settings.logging;
  }

  get logConfig(): Readonly<Record<string, string>> {
    return this.#settings.logConfig;
  }

  get cachingEnabled(): boolean {
    return this.#settings.caching;
  }

  withCachingEnabled(options: CachingOptions = {}): KeyValueStoreBuilder<K, V> {
    const maxBytes = options.maxBytes;
    if (maxBytes !== undefined && (!Number.isSafeInteger(maxBytes) || maxBytes < 0)) {
      throw new KstError('KST_CONFIG_INVALID', `cache maxBytes of store "${this.name}" must be a non-negative integer (got ${maxBytes})`, { key: 'maxBytes', value: maxBytes });
    }
    return this.#with({ caching: true, cacheMaxBytes: maxBytes ?? this.#settings.cacheMaxBytes });
  }

  withCachingDisabled(): KeyValueStoreBuilder<K, V> {
    return this.#with({ caching: false });
  }

  /** Topic configs for the changelog, merged over `cleanup.policy=compact`. */
  withLoggingEnabled(config: Readonly<Record<string, string>> = {}): KeyValueStoreBuilder<K, V> {
    return this.#with({ logging: true, logConfig: Object.freeze({ ...config }) });
  }

  withLoggingDisabled(): KeyValueStoreBuilder<K, V> {
    return this.#with({ logging: false, logConfig: Object.freeze({}) });
  }

  build(): MeteredKeyValueStore<K, V> {
    const settings = this.#settings;
    let store: KeyValueBytesStore = this.#supplier.get();
    if (settings.logging) store = new ChangeLoggingKeyValueStore(store, settings.timestamped);
    if (settings.caching) store = new CachingKeyValueStore(store, settings.cacheMaxBytes);
    return new MeteredKeyValueStore(store, this.#keySerde, this.#valueSerde, this.#supplier.metricsScope);
  }

  #with(changes: Partial<Settings>): KeyValueStoreBuilder<K, V> {
    return new KeyValueStoreBuilder(this.#supplier, this.#keySerde, this.#valueSerde, { ...this.#settings, ...changes });
  }
}
