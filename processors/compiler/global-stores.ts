/**
 * The plan of each GlobalKTable, as Kafka Streams' `addGlobalStore`: a source reading the
 * topic, a table-source processor writing every record into the store, and the store
 * itself, without a changelog (the topic is one: the runtime restores the store from it,
 * from the beginning, on every instance). The processor forwards nowhere; joins read the
 * store by name.
 */

import type { GlobalStorePlan } from '../plan/topology-plan.ts';
import type { GlobalStoreSpec, GraphDefaults } from '../dsl/graph/nodes.ts';
import { tableSourceOperator } from '../dsl/operators/table-source.ts';
import { resolveSerde } from './serdes.ts';
import { storePlan } from './stores.ts';

/**
 * @example
 * ```ts
 * const [global] = globalStorePlans(graph.globalStores ?? [], graph.defaults);
 * global.store.name; // 'customers-STATE-STORE-0000000000'
 * ```
 */
export function globalStorePlans(specs: readonly GlobalStoreSpec[], defaults: GraphDefaults): GlobalStorePlan[] {
  return specs.map((spec) => {
    const store = storePlan(spec.store, defaults);
    return Object.freeze({
      store,
      source: Object.freeze({
        kind: 'source' as const,
        name: spec.sourceName,
        topics: Object.freeze([spec.topic]),
        internal: false,
        keySerde: resolveSerde(spec.keySerde, defaults, 'key', spec.sourceName),
        valueSerde: resolveSerde(spec.valueSerde, defaults, 'value', spec.sourceName),
        timestampExtractor: spec.timestampExtractor,
        offsetReset: spec.offsetReset,
        children: Object.freeze([spec.processorName]),
      }),
      processor: Object.freeze({
        kind: 'processor' as const,
        name: spec.processorName,
        supplier: tableSourceOperator({ sendOldValues: false, storeName: store.name, branches: [] }) as GlobalStorePlan['processor']['supplier'],
        stores: Object.freeze([store.name]),
        children: Object.freeze([]),
      }),
    });
  });
}
