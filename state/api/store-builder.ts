/**
 * Builds one store instance per task with its layers (metered → caching →
 * change-logging → bytes store). Kafka Streams' `StoreBuilder`.
 *
 * @example
 * ```ts
 * const counts = Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore('counts'), Serdes.String(), Serdes.Long())
 *   .withCachingEnabled();
 * ```
 */

import type { StateStore } from './state-store.ts';

export interface StoreBuilder<S extends StateStore = StateStore> {
  readonly name: string;
  readonly loggingEnabled: boolean;
  /** Topic configs for the changelog (merged over `cleanup.policy=compact`). */
  readonly logConfig: Readonly<Record<string, string>>;
  readonly cachingEnabled: boolean;
  /** A new, uninitialised store; called once per task that hosts the store. */
  build(): S;
}
