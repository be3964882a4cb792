/**
 * The stores of a stream-stream join, as Kafka Streams' `KStreamImplJoin` builds them:
 * one window store per side that keeps every record (`retainDuplicates`), retained for
 * the window size (`before + after`) plus grace, and for left and outer joins the shared
 * buffer of records still waiting for a partner. They are described here and built by
 * the compiler, once the builder's default serdes and store type are known; neither is
 * cached (a join must see every record), and both log as `StreamJoined` says.
 */

import type { Serde } from '../../../schemas/serdes/serde.ts';
import { Stores } from '../../../state/stores.ts';
import { resolveSerde } from '../../compiler/serdes.ts';
import type { FactoryStoreSpec, GraphDefaults } from '../graph/nodes.ts';
import type { JoinWindows } from '../options/join-windows.ts';
import type { StreamJoined } from '../options/stream-joined.ts';
import { dslWindowedStore } from '../windows/dsl-windowed-store.ts';
import { bufferKeySerde, bufferValueSerde } from './outer-join-buffer.ts';

type Unknown = Serde<unknown> | undefined;

export interface JoinStoreOptions {
  readonly name: string;
  /** The node named in a missing-serde error. */
  readonly owner: string;
  readonly keySerde: Unknown;
  readonly options: StreamJoined<unknown, unknown, unknown>;
}

function logged<B extends { withLoggingEnabled(config: Readonly<Record<string, string>>): B; withLoggingDisabled(): B }>(builder: B, options: StreamJoined<unknown, unknown, unknown>): B {
  return options.loggingEnabled ? builder.withLoggingEnabled(options.logConfig) : builder.withLoggingDisabled();
}

/**
 * @example
 * ```ts
 * graph.addStore(joinWindowStore({ name: 'KSTREAM-JOINTHIS-0000000004-store', owner, keySerde, options }, valueSerde, windows, windows.afterMs, windows.beforeMs));
 * ```
 */
export function joinWindowStore(store: JoinStoreOptions, valueSerde: Unknown, windows: JoinWindows, readBeforeMs: number, readAfterMs: number): FactoryStoreSpec {
  return {
    kind: 'factory',
    name: store.name,
    timestamped: false,
    build: (defaults: GraphDefaults) => {
      const type = store.options.storeType ?? defaults.storeType;
      const retention = windows.sizeMs + windows.graceMs;
      const supplier = type === 'in_memory'
        ? Stores.inMemoryWindowStore(store.name, retention, windows.sizeMs, true)
        : Stores.persistentWindowStore(store.name, retention, windows.sizeMs, true);
      const builder = Stores.windowStoreBuilder(supplier, resolveSerde(store.keySerde, defaults, 'key', store.owner), resolveSerde(valueSerde, defaults, 'value', store.owner));
      // The other side reads this store around its records' times: prefetch that span.
      return dslWindowedStore(logged(builder.withCachingDisabled(), store.options), (from, to) => [from - readBeforeMs, to + readAfterMs]);
    },
  };
}

export function outerJoinBufferStore(store: JoinStoreOptions, leftSerde: Unknown, rightSerde: Unknown): FactoryStoreSpec {
  return {
    kind: 'factory',
    name: store.name,
    timestamped: false,
    build: (defaults: GraphDefaults) => {
      const type = store.options.storeType ?? defaults.storeType;
      const supplier = type === 'in_memory' ? Stores.inMemoryKeyValueStore(store.name) : Stores.persistentKeyValueStore(store.name);
      const keySerde = bufferKeySerde(resolveSerde(store.keySerde, defaults, 'key', store.owner));
      const valueSerde = bufferValueSerde(resolveSerde(leftSerde, defaults, 'value', store.owner), resolveSerde(rightSerde, defaults, 'value', store.owner));
      // Keyed by time and side, not by the record key: the task's prefetch has nothing to load.
      return dslWindowedStore(logged(Stores.keyValueStoreBuilder(supplier, keySerde, valueSerde).withCachingDisabled(), store.options), 'none');
    },
  };
}
