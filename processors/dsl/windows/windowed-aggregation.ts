/**
 * What the windowed streams share when they add an aggregation: names in Kafka's order
 * (the store, the node, then the repartition nodes when the key changed), the store's
 * retention checked against the windows (Kafka requires at least size plus grace), the
 * store spec, the node, and the windowed table handle with its windowed key serde.
 */

import { KstError } from '../../../common/errors.ts';
import type { Serde } from '../../../schemas/serdes/serde.ts';
import type { Windowed } from '../../../state/api/windowed.ts';
import type { FactoryStoreSpec, OperatorFactory } from '../graph/nodes.ts';
import { addProcessor, nameOf, type GroupedState } from '../handles.ts';
import type { KTable } from '../ktable.ts';
import { defaultMaterialized, type Materialized } from '../options/materialized.ts';
import type { Named } from '../options/named.ts';
import type { PrefetchSpan } from './dsl-windowed-store.ts';
import type { WindowedStoreRequest } from './window-store-specs.ts';
import { recordWindowedTable, type WindowedTableInfo } from './windowed-tables.ts';

export interface WindowedAggregation {
  readonly prefix: string;
  readonly operator: string;
  readonly named: Named | undefined;
  readonly materialized: Materialized<unknown, unknown> | undefined;
  /** The value serde the operator implies (Long for count), used when Materialized gives none. */
  readonly valueSerde: Serde<unknown> | undefined;
  readonly minimumRetentionMs: number;
  readonly defaultRetentionMs: number;
  readonly caching: boolean;
  /** The times the operator reads for a batch's records, for the task's prefetch. */
  readonly prefetch: PrefetchSpan;
  readonly store: (request: WindowedStoreRequest) => FactoryStoreSpec;
  readonly window: Omit<WindowedTableInfo, 'innerKeySerde'>;
  /** Gets the node's name, for the dropped-records metric. */
  readonly factory: (processorName: string) => OperatorFactory;
}

function retentionOf(materialized: Materialized<unknown, unknown>, aggregation: WindowedAggregation, storeName: string): number {
  const given = materialized.retentionMs;
  if (given === undefined) return aggregation.defaultRetentionMs;
  if (!Number.isSafeInteger(given) || given < aggregation.minimumRetentionMs) {
    throw new KstError('KST_TOPOLOGY_WINDOW_INVALID', `retention of store "${storeName}" (${given} ms) must be at least the window size plus grace (${aggregation.minimumRetentionMs} ms)`, {
      store: storeName, retentionMs: given, minimumMs: aggregation.minimumRetentionMs,
    });
  }
  return given;
}

export function addWindowedAggregation<K, VA>(state: GroupedState, aggregation: WindowedAggregation): KTable<Windowed<K>, VA> {
  const { graph } = state;
  graph.checkOpen(`windowed ${aggregation.operator}`);
  const options = aggregation.materialized ?? defaultMaterialized<unknown, unknown>();
  const storeName = options.storeName ?? graph.newStoreName(aggregation.prefix);
  const name = graph.nameOrGenerate(nameOf(aggregation.named), aggregation.prefix);
  const repartition = state.keyChanged
    ? graph.streamRepartition({ prefix: state.groupedName ?? storeName, keySerde: state.keySerde, valueSerde: state.valueSerde })
    : undefined;
  const keySerde = options.keySerde ?? state.keySerde;
  const valueSerde = options.valueSerde ?? aggregation.valueSerde;
  const retentionMs = retentionOf(options, aggregation, storeName);
  graph.addStore(aggregation.store({ name: storeName, owner: name, materialized: options, keySerde, valueSerde, retentionMs, caching: aggregation.caching, prefetch: aggregation.prefetch }));
  addProcessor(graph, {
    name,
    parents: [state.node],
    operator: aggregation.operator,
    factory: aggregation.factory(name),
    stores: [storeName],
    table: { kind: 'aggregate', storeName, materialized: true },
    repartition,
  });
  recordWindowedTable(graph, name, { ...aggregation.window, innerKeySerde: keySerde });
  const inner = keySerde ?? graph.defaults.keySerde;
  return state.handles.table<Windowed<K>, VA>({
    graph, handles: state.handles, node: name, keyChanged: false, queryableStoreName: options.storeName,
    keySerde: inner === undefined ? undefined : aggregation.window.keySerde(inner) as Serde<unknown>,
    valueSerde,
  });
}
