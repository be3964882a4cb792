/**
 * The one place where a window store's layers are stacked, as Kafka Streams'
 * `WindowStoreBuilder` / `TimestampedWindowStoreBuilder`: metered (typed) → caching →
 * change-logging → segmented bytes store. The caching and change-logging layers are the
 * key-value ones, working on store keys `key + window start (+ seq)`, so the changelog key
 * is that same layout and a restore writes it back as it came.
 *
 * A store that retains duplicates gets no cache, as in Kafka Streams: each put is its own
 * entry, so there is nothing to merge, and a join must see every one.
 *
 * @example
 * ```ts
 * const builder = Stores.timestampedWindowStoreBuilder(
 *   Stores.persistentWindowStore('clicks-per-minute', 86_400_000, 60_000, false), Serdes.String(), Serdes.Long());
 * const store = builder.build();
 * await store.init(context);
 * store.put('user-1', { value: 3, timestamp: 1_700_000_059_000 }, 1_700_000_040_000);
 * ```
 */

import type { Serde } from '../schemas/serdes/serde.ts';
import type { KeyValueBytesStore } from './api/bytes-store.ts';
import type { WindowBytesStoreSupplier } from './api/segmented-bytes-store.ts';
import { CachingKeyValueStore } from './internals/caching-store.ts';
import { ChangeLoggingKeyValueStore } from './internals/change-logging-store.ts';
import { DEFAULT_LAYER_SETTINGS, LayeredStoreBuilder, type LayerSettings } from './internals/layered-store-builder.ts';
import { MeteredWindowStore } from './internals/metered-window-store.ts';

export class WindowStoreBuilder<K, V> extends LayeredStoreBuilder<MeteredWindowStore<K, V>> {
  readonly #supplier: WindowBytesStoreSupplier;
  readonly #keySerde: Serde<K>;
  readonly #valueSerde: Serde<V>;
  /** Values are `ValueAndTimestamp` bytes; the changelog carries the timestamp as the record's. */
  readonly timestamped: boolean;

  constructor(supplier: WindowBytesStoreSupplier, keySerde: Serde<K>, valueSerde: Serde<V>, timestamped: boolean, settings: LayerSettings = DEFAULT_LAYER_SETTINGS) {
    super(settings);
    this.#supplier = supplier;
    this.#keySerde = keySerde;
    this.#valueSerde = valueSerde;
    this.timestamped = timestamped;
  }

  get name(): string {
    return this.#supplier.name;
  }

  get retentionMs(): number {
    return this.#supplier.retentionMs;
  }

  get windowSizeMs(): number {
    return this.#supplier.windowSizeMs;
  }

  get retainDuplicates(): boolean {
    return this.#supplier.retainDuplicates;
  }

  protected get storeRetentionMs(): number {
    return this.#supplier.retentionMs;
  }

  override get cachingEnabled(): boolean {
    return this.settings.caching && !this.#supplier.retainDuplicates;
  }

  build(): MeteredWindowStore<K, V> {
    const bottom = this.#supplier.get();
    let store: KeyValueBytesStore = bottom;
    if (this.settings.logging) store = new ChangeLoggingKeyValueStore(store, this.timestamped);
    if (this.cachingEnabled) store = new CachingKeyValueStore(store, this.settings.cacheMaxBytes);
    return new MeteredWindowStore(store, bottom, this.#keySerde, this.#valueSerde, this.#supplier.metricsScope, this.#supplier.windowSizeMs, this.#supplier.retainDuplicates);
  }

  protected copy(settings: LayerSettings): this {
    return new WindowStoreBuilder(this.#supplier, this.#keySerde, this.#valueSerde, this.timestamped, settings) as this;
  }
}
