/**
 * `Materialized`: how a KTable's state store is built, as Kafka Streams' `Materialized`:
 * its name (which makes it queryable), serdes, backend, caching and change-logging.
 * Defaults as Kafka Streams: caching on, logging on, the builder's default backend.
 *
 * @example
 * ```ts
 * words.groupBy((_k, w) => w).count(Materialized.as<string, number>('counts-store').withStoreType('in_memory'));
 * ```
 */

import type { Serde } from '../../../schemas/serdes/serde.ts';
import { checkName } from './named.ts';

/** `rocksdb` is Kafka's `ROCKS_DB`; `in_memory` its `IN_MEMORY`. */
export type DslStoreType = 'rocksdb' | 'in_memory';

export interface Materialized<K, V> {
  readonly storeName: string | undefined;
  readonly keySerde: Serde<K> | undefined;
  readonly valueSerde: Serde<V> | undefined;
  readonly storeType: DslStoreType | undefined;
  readonly cachingEnabled: boolean;
  readonly loggingEnabled: boolean;
  readonly logConfig: Readonly<Record<string, string>>;
  /** How long a window or session store keeps windows; at least window size plus grace, which is the default. */
  readonly retentionMs: number | undefined;
  withKeySerde(serde: Serde<K>): Materialized<K, V>;
  withValueSerde(serde: Serde<V>): Materialized<K, V>;
  withStoreType(type: DslStoreType): Materialized<K, V>;
  withCachingEnabled(): Materialized<K, V>;
  withCachingDisabled(): Materialized<K, V>;
  /** Topic configs for the changelog, merged over `cleanup.policy=compact`. */
  withLoggingEnabled(config?: Readonly<Record<string, string>>): Materialized<K, V>;
  withLoggingDisabled(): Materialized<K, V>;
  /** Retention of a window or session store, in ms (Kafka's `Materialized.withRetention`). */
  withRetention(retentionMs: number): Materialized<K, V>;
}

type MaterializedFields<K, V> = Pick<Materialized<K, V>, 'storeName' | 'keySerde' | 'valueSerde' | 'storeType' | 'cachingEnabled' | 'loggingEnabled' | 'logConfig' | 'retentionMs'>;

function make<K, V>(fields: MaterializedFields<K, V>): Materialized<K, V> {
  return Object.freeze({
    ...fields,
    withKeySerde: (serde: Serde<K>) => make({ ...fields, keySerde: serde }),
    withValueSerde: (serde: Serde<V>) => make({ ...fields, valueSerde: serde }),
    withStoreType: (type: DslStoreType) => make({ ...fields, storeType: type }),
    withCachingEnabled: () => make({ ...fields, cachingEnabled: true }),
    withCachingDisabled: () => make({ ...fields, cachingEnabled: false }),
    withLoggingEnabled: (config: Readonly<Record<string, string>> = {}) => make({ ...fields, loggingEnabled: true, logConfig: Object.freeze({ ...config }) }),
    withLoggingDisabled: () => make({ ...fields, loggingEnabled: false, logConfig: Object.freeze({}) }),
    withRetention: (retentionMs: number) => make({ ...fields, retentionMs }),
  });
}

const DEFAULTS = { storeName: undefined, keySerde: undefined, valueSerde: undefined, storeType: undefined, cachingEnabled: true, loggingEnabled: true, logConfig: Object.freeze({}), retentionMs: undefined };

export const Materialized = Object.freeze({
  /** A named, hence queryable, store. */
  as<K = unknown, V = unknown>(storeName: string): Materialized<K, V> {
    return make<K, V>({ ...DEFAULTS, storeName: checkName(storeName, 'Materialized') });
  },
  with<K, V>(keySerde: Serde<K> | undefined, valueSerde: Serde<V> | undefined): Materialized<K, V> {
    return make<K, V>({ ...DEFAULTS, keySerde, valueSerde });
  },
  /** An unnamed store of the given backend. */
  withStoreType<K = unknown, V = unknown>(type: DslStoreType): Materialized<K, V> {
    return make<K, V>({ ...DEFAULTS, storeType: type });
  },
});

/** What the DSL hands the compiler when an operator was given no `Materialized`. */
export function defaultMaterialized<K, V>(): Materialized<K, V> {
  return make<K, V>(DEFAULTS);
}
