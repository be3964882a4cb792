/**
 * Turns the graph's store specs into the plan's stores. DSL stores are built here from
 * their `Materialized` through `Stores`, so the layer stack (metered → caching →
 * change-logging → bytes) is decided in `state/` alone; user stores come as built.
 */

import type { StorePlan } from '../plan/topology-plan.ts';
import type { StoreBuilder } from '../../state/api/store-builder.ts';
import { Stores } from '../../state/stores.ts';
import type { DslStoreSpec, GraphDefaults, StoreSpec } from '../dsl/graph/nodes.ts';
import { changelogTopicName } from '../dsl/graph/names.ts';
import { resolveSerde } from './serdes.ts';

export function dslStoreBuilder(spec: DslStoreSpec, defaults: GraphDefaults): StoreBuilder {
  const options = spec.materialized;
  const keySerde = resolveSerde(spec.keySerde, defaults, 'key', spec.owner);
  const valueSerde = resolveSerde(spec.valueSerde, defaults, 'value', spec.owner);
  const type = options.storeType ?? defaults.storeType;
  const supplier = type === 'in_memory' ? Stores.inMemoryKeyValueStore(spec.name) : Stores.persistentKeyValueStore(spec.name);
  const builder = Stores.timestampedKeyValueStoreBuilder(supplier, keySerde, valueSerde);
  const cached = options.cachingEnabled ? builder.withCachingEnabled() : builder.withCachingDisabled();
  return options.loggingEnabled ? cached.withLoggingEnabled(options.logConfig) : cached.withLoggingDisabled();
}

export function storePlan(spec: StoreSpec, defaults: GraphDefaults): StorePlan {
  const builder = spec.kind === 'dsl' ? dslStoreBuilder(spec, defaults) : spec.kind === 'factory' ? spec.build(defaults) : spec.builder;
  return Object.freeze({
    name: spec.name,
    builder,
    changelogTopic: builder.loggingEnabled ? changelogTopicName(spec.name) : undefined,
    // DSL stores keep ValueAndTimestamp; queries and the test driver unwrap them.
    timestamped: spec.kind === 'dsl' || (spec.kind === 'factory' && spec.timestamped),
  });
}
