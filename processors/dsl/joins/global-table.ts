/**
 * `StreamsBuilder.globalTable`, as Kafka Streams' `InternalStreamsBuilder.globalTable`:
 * names are taken in Kafka's order (the store `<topic>-STATE-STORE-<n>` unless named,
 * then the source, then the table source: `<Consumed name>-source` and `<Consumed name>`
 * when the source is named) and the store's logging is turned off, since the topic itself
 * is what the store is restored from.
 */

import type { Serde } from '../../../schemas/serdes/serde.ts';
import type { GlobalTableState } from '../global-ktable.ts';
import type { LogicalGraph } from '../graph/logical-graph.ts';
import { PREFIX } from '../graph/names.ts';
import type { Consumed } from '../options/consumed.ts';
import { defaultMaterialized, type Materialized } from '../options/materialized.ts';
import { JOIN_PREFIX } from './join-names.ts';

/**
 * @example
 * ```ts
 * const state = addGlobalTable(graph, 'products', Consumed.with(Serdes.String(), productSerde), undefined);
 * state.storeName; // 'products-STATE-STORE-0000000000'
 * ```
 */
export function addGlobalTable<K, V>(graph: LogicalGraph, topic: string, consumed: Consumed<K, V> | undefined, materialized: Materialized<K, V> | undefined): GlobalTableState {
  graph.checkOpen('StreamsBuilder.globalTable');
  const options = (materialized ?? defaultMaterialized<K, V>()).withLoggingDisabled() as Materialized<unknown, unknown>;
  const storeName = options.storeName ?? graph.newStoreName(`${topic}-`);
  const sourceName = consumed?.name === undefined ? graph.newProcessorName(PREFIX.SOURCE) : `${consumed.name}-source`;
  const processorName = consumed?.name ?? graph.newProcessorName(JOIN_PREFIX.TABLE_SOURCE);
  const keySerde = options.keySerde ?? (consumed?.keySerde as Serde<unknown> | undefined);
  const valueSerde = options.valueSerde ?? (consumed?.valueSerde as Serde<unknown> | undefined);
  graph.addGlobalStore({
    sourceName,
    processorName,
    topic,
    keySerde: (consumed?.keySerde as Serde<unknown> | undefined) ?? keySerde,
    valueSerde: (consumed?.valueSerde as Serde<unknown> | undefined) ?? valueSerde,
    timestampExtractor: consumed?.timestampExtractor,
    offsetReset: consumed?.offsetReset,
    store: { kind: 'dsl', name: storeName, owner: processorName, lazy: false, materialized: options, keySerde, valueSerde },
  });
  return { graph, storeName, keySerde, valueSerde, queryableStoreName: options.storeName };
}
