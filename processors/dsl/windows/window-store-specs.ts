/**
 * The stores of windowed aggregations and of suppression, as graph store specs the
 * compiler builds once the builder's defaults are known: window stores (timestamped
 * values, as Kafka's `TimestampedWindowStore`) and session stores from `Materialized`,
 * and the suppression buffer, an in-memory key-value store with a changelog. The layers
 * and the windowed changelog configs (`compact,delete`, retention plus a day) are decided
 * in `state/`; store names are the DSL's (`KSTREAM-AGGREGATE-STATE-STORE-…`).
 */

import type { Serde } from '../../../schemas/serdes/serde.ts';
import type { StoreBuilder } from '../../../state/api/store-builder.ts';
import { Stores } from '../../../state/stores.ts';
import { resolveSerde } from '../../compiler/serdes.ts';
import type { FactoryStoreSpec, GraphDefaults } from '../graph/nodes.ts';
import type { Materialized } from '../options/materialized.ts';
import { bufferedChangeSerde } from '../operators/suppress-buffer.ts';
import { dslWindowedStore, type PrefetchSpan } from './dsl-windowed-store.ts';

export interface WindowedStoreRequest {
  readonly name: string;
  /** The node that owns the store, named in serde errors. */
  readonly owner: string;
  readonly materialized: Materialized<unknown, unknown>;
  readonly keySerde: Serde<unknown> | undefined;
  readonly valueSerde: Serde<unknown> | undefined;
  readonly retentionMs: number;
  /** Emit-on-close reads closed windows back from the store and sends them itself: no cache. */
  readonly caching: boolean;
  /** The times the operator reads for records of a batch's time span. */
  readonly prefetch: PrefetchSpan;
}

interface Layered<B> {
  withCachingEnabled(): B;
  withCachingDisabled(): B;
  withLoggingEnabled(config?: Readonly<Record<string, string>>): B;
  withLoggingDisabled(): B;
}

function layered<B extends Layered<B> & StoreBuilder>(builder: B, request: WindowedStoreRequest): StoreBuilder {
  const options = request.materialized;
  const cached = request.caching && options.cachingEnabled ? builder.withCachingEnabled() : builder.withCachingDisabled();
  return dslWindowedStore(options.loggingEnabled ? cached.withLoggingEnabled(options.logConfig) : cached.withLoggingDisabled(), request.prefetch);
}

/**
 * @example
 * ```ts
 * graph.addStore(windowStoreSpec({ name, owner, materialized, keySerde, valueSerde, retentionMs: 120_000, caching: true, prefetch: (from, to) => [from - 59_999, to] }, 60_000));
 * ```
 */
export function windowStoreSpec(request: WindowedStoreRequest, windowSizeMs: number): FactoryStoreSpec {
  const build = (defaults: GraphDefaults): StoreBuilder => {
    const keySerde = resolveSerde(request.keySerde, defaults, 'key', request.owner);
    const valueSerde = resolveSerde(request.valueSerde, defaults, 'value', request.owner);
    const inMemory = (request.materialized.storeType ?? defaults.storeType) === 'in_memory';
    const supplier = inMemory
      ? Stores.inMemoryWindowStore(request.name, request.retentionMs, windowSizeMs, false)
      : Stores.persistentWindowStore(request.name, request.retentionMs, windowSizeMs, false);
    return layered(Stores.timestampedWindowStoreBuilder(supplier, keySerde, valueSerde), request);
  };
  return Object.freeze({ kind: 'factory', name: request.name, build, timestamped: true });
}

export function sessionStoreSpec(request: WindowedStoreRequest): FactoryStoreSpec {
  const build = (defaults: GraphDefaults): StoreBuilder => {
    const keySerde = resolveSerde(request.keySerde, defaults, 'key', request.owner);
    const valueSerde = resolveSerde(request.valueSerde, defaults, 'value', request.owner);
    const inMemory = (request.materialized.storeType ?? defaults.storeType) === 'in_memory';
    const supplier = inMemory ? Stores.inMemorySessionStore(request.name, request.retentionMs) : Stores.persistentSessionStore(request.name, request.retentionMs);
    return layered(Stores.sessionStoreBuilder(supplier, keySerde, valueSerde), request);
  };
  return Object.freeze({ kind: 'factory', name: request.name, build, timestamped: false });
}

/**
 * The suppression buffer: in memory (the operator indexes it by time anyway), logged to a
 * compacted changelog, no cache (every change must reach the changelog in order).
 */
export function suppressBufferSpec(name: string, owner: string, keySerde: (defaults: GraphDefaults) => Serde<unknown>, valueSerde: Serde<unknown> | undefined): FactoryStoreSpec {
  const build = (defaults: GraphDefaults): StoreBuilder => {
    const value = bufferedChangeSerde(resolveSerde(valueSerde, defaults, 'value', owner));
    return dslWindowedStore(Stores.timestampedKeyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), keySerde(defaults), value).withCachingDisabled().withLoggingEnabled(), 'none');
  };
  return Object.freeze({ kind: 'factory', name, build, timestamped: true });
}
