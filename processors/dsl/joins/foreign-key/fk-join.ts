/**
 * The DSL side of `KTable.join / leftJoin(other, foreignKeyExtractor, joiner)`, as Kafka
 * Streams' `KTableImpl.doJoinOnForeignKey` (KIP-213). Left side: a registration processor
 * subscribes each row to its foreign key through the `…-SUBSCRIPTION-REGISTRATION-…-topic`
 * (partitioned like the other table); other side: the subscriptions are kept in the
 * `KTABLE-FK-JOIN-SUBSCRIPTION-STATE-STORE-…` and answered, as are foreign-row updates,
 * through the `…-SUBSCRIPTION-RESPONSE-…-topic` (partitioned like the left table); back
 * on the left, a resolver keeps answers to the row's current value and the
 * `KTABLE-FK-JOIN-OUTPUT-` node is the joined table. Each internal topic is co-partitioned
 * with the table it meets. One sink writes the response topic from both of its writers,
 * where Kafka has two.
 */

import { KstError } from '../../../../common/errors.ts';
import type { StreamPartitioner } from '../../../plan/topology-plan.ts';
import type { Serde } from '../../../../schemas/serdes/serde.ts';
import { Serdes } from '../../../../schemas/serdes/serdes.ts';
import { Stores } from '../../../../state/stores.ts';
import type { LogicalGraph } from '../../graph/logical-graph.ts';
import { addProcessor, checkSameGraph, type TableState } from '../../handles.ts';
import { responseResolverOperator, subscriptionSendOperator } from './fk-left-side.ts';
import { foreignTableUpdateOperator, subscriptionJoinOperator, subscriptionReceiveOperator } from './fk-right-side.ts';
import { tableSourceOperator } from '../../operators/table-source.ts';
import { defaultMaterialized, type Materialized } from '../../options/materialized.ts';
import type { TableJoined } from '../../options/table-joined.ts';
import { dslWindowedStore } from '../../windows/dsl-windowed-store.ts';
import { responseSerde, subscriptionSerde } from './fk-wrappers.ts';
import { JOIN_PREFIX, suffixedOr } from '../join-names.ts';
import type { ForeignKeyExtractor } from '../value-joiner.ts';

type AnyJoiner = (value: unknown, other: unknown, key: unknown) => unknown;

function serdeOf(given: Serde<unknown> | undefined, graph: LogicalGraph, which: 'key' | 'value', node: string): Serde<unknown> {
  const serde = given ?? (which === 'key' ? graph.defaults.keySerde : graph.defaults.valueSerde);
  if (serde === undefined) {
    throw new KstError('KST_TOPOLOGY_SERDE_MISSING', `foreign-key join of "${node}" needs the ${which} serdes of both tables: give them (Consumed, Materialized) or set the builder's default ${which} serde`, { node, which });
  }
  return serde;
}

/**
 * @example
 * ```ts
 * const joined = foreignKeyJoin(orders.state, customers.state, (o) => o.customerId, (o, c) => ({ o, c }), true, undefined, undefined);
 * ```
 */
export function foreignKeyJoin(left: TableState, right: TableState, extractor: ForeignKeyExtractor<unknown, unknown, unknown>, joiner: AnyJoiner, leftJoin: boolean, tableJoined: TableJoined<unknown, unknown> | undefined, materialized: Materialized<unknown, unknown> | undefined): TableState {
  const operation = leftJoin ? 'KTable.leftJoin' : 'KTable.join';
  checkSameGraph(left, right, operation);
  const { graph } = left;
  graph.checkOpen(operation);
  const primaryKeySerde = serdeOf(left.keySerde, graph, 'key', left.node);
  const leftValueSerde = serdeOf(left.valueSerde, graph, 'value', left.node);
  const foreignKeySerde = serdeOf(right.keySerde, graph, 'key', right.node);
  const foreignValueSerde = serdeOf(right.valueSerde, graph, 'value', right.node);

  const name = tableJoined?.name;
  const options = materialized ?? defaultMaterialized<unknown, unknown>();
  const storeName = options.storeName ?? graph.newStoreName(JOIN_PREFIX.FK_JOIN_OUTPUT);
  const next = (suffix: string, prefix: string): string => suffixedOr(name, suffix, () => graph.newProcessorName(prefix));
  const registrationTopic = `${next('-subscription-registration', JOIN_PREFIX.SUBSCRIPTION_REGISTRATION)}-topic`;
  const registration = next('-subscription-registration-processor', JOIN_PREFIX.SUBSCRIPTION_REGISTRATION);
  const registrationSink = next('-subscription-registration-sink', 'KTABLE-SINK-');
  const registrationSource = next('-subscription-registration-source', JOIN_PREFIX.TABLE_SOURCE);
  const subscriptionStore = next('-subscription-store', JOIN_PREFIX.SUBSCRIPTION_STATE_STORE);
  const receive = next('-subscription-receive', JOIN_PREFIX.SUBSCRIPTION_PROCESSOR);
  const joinForeign = next('-subscription-join-foreign', JOIN_PREFIX.SUBSCRIPTION_PROCESSOR);
  const responseSink = next('-subscription-response-sink', 'KTABLE-SINK-');
  const foreignUpdates = next('-foreign-join-subscription', JOIN_PREFIX.SUBSCRIPTION_PROCESSOR);
  const responseTopic = `${next('-subscription-response', JOIN_PREFIX.SUBSCRIPTION_RESPONSE)}-topic`;
  const responseSource = next('-subscription-response-source', JOIN_PREFIX.TABLE_SOURCE);
  const resolver = next('-subscription-response-resolver', JOIN_PREFIX.SUBSCRIPTION_RESPONSE_RESOLVER);
  const output = next('-result', JOIN_PREFIX.FK_JOIN_OUTPUT);

  const subscriptions = subscriptionSerde(primaryKeySerde);
  const responses = responseSerde(foreignValueSerde);
  const storeOptions = { storeName: subscriptionStore, primaryKeySerde, foreignKeySerde, subscriptionSerde: subscriptions, topic: registrationTopic };
  graph.addStore({
    kind: 'factory', name: subscriptionStore, timestamped: false,
    // Keyed by (foreign key, primary key) bytes: the task's prefetch by record key has nothing to load.
    build: (defaults) => dslWindowedStore(Stores.keyValueStoreBuilder(
      defaults.storeType === 'in_memory' ? Stores.inMemoryKeyValueStore(subscriptionStore) : Stores.persistentKeyValueStore(subscriptionStore),
      Serdes.Bytes(), Serdes.Bytes(),
    ).withCachingDisabled(), 'none'),
  });
  graph.addStore({ kind: 'dsl', name: storeName, owner: output, lazy: options.storeName === undefined, materialized: options, keySerde: primaryKeySerde, valueSerde: options.valueSerde });

  addProcessor(graph, {
    name: registration, parents: [left.node], operator: operation,
    // A 'join' role makes the left table send old values: the old foreign key is unsubscribed.
    table: { kind: 'join', storeName: undefined, materialized: false },
    factory: () => subscriptionSendOperator({ extractor, leftJoin, valueSerde: leftValueSerde, foreignKeySerde, topic: registrationTopic }) as never,
  });
  graph.add({
    kind: 'repartition', name: registrationSource, parents: [registration],
    spec: Object.freeze({
      topic: registrationTopic, sinkName: registrationSink, sourceName: registrationSource, filterName: undefined, keySerde: foreignKeySerde,
      valueSerde: subscriptions as Serde<unknown>, partitions: undefined, partitioner: tableJoined?.otherPartitioner as StreamPartitioner | undefined, changeValues: false,
    }),
  });
  addProcessor(graph, { name: receive, parents: [registrationSource], operator: operation, stores: [subscriptionStore], factory: () => subscriptionReceiveOperator(storeOptions) as never });
  addProcessor(graph, { name: joinForeign, parents: [receive], operator: operation, valueGetters: [right.node], factory: (env) => subscriptionJoinOperator(right.node, env) as never });
  addProcessor(graph, { name: foreignUpdates, parents: [right.node], operator: operation, stores: [subscriptionStore], factory: () => foreignTableUpdateOperator(storeOptions) as never });
  graph.add({
    kind: 'repartition', name: responseSource, parents: [joinForeign, foreignUpdates],
    spec: Object.freeze({
      topic: responseTopic, sinkName: responseSink, sourceName: responseSource, filterName: undefined, keySerde: primaryKeySerde,
      valueSerde: responses as Serde<unknown>, partitions: undefined, partitioner: tableJoined?.partitioner as StreamPartitioner | undefined, changeValues: false,
    }),
  });
  addProcessor(graph, {
    name: resolver, parents: [responseSource], operator: operation, valueGetters: [left.node],
    factory: (env) => responseResolverOperator({ leftTable: left.node, leftJoin, valueSerde: leftValueSerde, topic: responseTopic, joiner }, env) as never,
  });
  addProcessor(graph, {
    name: output, parents: [resolver], operator: operation,
    table: { kind: 'source', storeName, materialized: options.storeName !== undefined },
    factory: (env) => tableSourceOperator(env) as never,
  });
  graph.copartition([registrationSource, right.node]);
  graph.copartition([responseSource, left.node]);
  return { graph, handles: left.handles, node: output, keySerde: primaryKeySerde, valueSerde: options.valueSerde, keyChanged: false, queryableStoreName: options.storeName };
}
