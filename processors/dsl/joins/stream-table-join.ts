/**
 * The DSL side of `KStream.join / leftJoin(KTable)` and `(GlobalKTable)`, as Kafka
 * Streams' `KStreamImpl.doStreamTableJoin` and `globalTableJoin`. A stream-table join
 * reads the table through its value getter, so the table's store is connected to the join
 * node and both inputs must be co-partitioned: a stream whose key changed is repartitioned
 * first (the topic named after the `Joined` name, else after the stream's node), and the
 * two are recorded as a co-partition group. A global-table join reads the global store,
 * needs neither, and names its node `KSTREAM-JOIN-` / `KSTREAM-LEFTJOIN-` as Kafka.
 */

import { KstError } from '../../../common/errors.ts';
import type { Serde } from '../../../schemas/serdes/serde.ts';
import type { KeyValueMapper } from '../functions.ts';
import type { GlobalTableState } from '../global-ktable.ts';
import { addProcessor, checkSameGraph, nameOf, type StreamState, type TableState } from '../handles.ts';
import { streamTableJoinOperator } from '../operators/join-stream-table.ts';
import type { Joined } from '../options/joined.ts';
import type { Named } from '../options/named.ts';
import type { TimestampedKeyValueStore } from '../../../state/api/timestamped.ts';
import { JOIN_PREFIX } from './join-names.ts';
import type { ValueJoiner } from './value-joiner.ts';

type Unknown = Serde<unknown> | undefined;

/**
 * @example
 * ```ts
 * const joined = streamTableJoin(orders.state, customers.state, (o, c) => ({ o, c }), undefined, false);
 * ```
 */
export function streamTableJoin<K, V, VT, VR>(stream: StreamState, table: TableState, joiner: ValueJoiner<V, VT | null, VR, K>, joined: Joined<K, V, VT> | undefined, leftJoin: boolean): StreamState {
  const operation = leftJoin ? 'KStream.leftJoin' : 'KStream.join';
  checkSameGraph(stream, table, operation);
  const { graph } = stream;
  graph.checkOpen(operation);
  const keySerde = (joined?.keySerde as Unknown) ?? stream.keySerde;
  const repartition = stream.keyChanged
    ? graph.streamRepartition({ prefix: joined?.name ?? stream.node, keySerde, valueSerde: (joined?.valueSerde as Unknown) ?? stream.valueSerde })
    : undefined;
  const name = graph.nameOrGenerate(joined?.name, leftJoin ? JOIN_PREFIX.LEFTJOIN : JOIN_PREFIX.JOIN);
  const tableNode = table.node;
  addProcessor(graph, {
    name,
    parents: [stream.node],
    operator: leftJoin ? 'leftJoin' : 'join',
    factory: (env) => {
      const getter = env.valueGetter?.(tableNode);
      if (getter === undefined) throw new KstError('KST_TOPOLOGY_INVALID', `the compiler gave join "${name}" no value getter`, { node: name });
      return streamTableJoinOperator<K, V, K, VT, VR>((context) => getter.init(context) as never, (key) => key, joiner, leftJoin) as never;
    },
    repartition,
    valueGetters: [tableNode],
  });
  graph.copartition([name, tableNode]);
  return { graph, handles: stream.handles, node: name, keySerde, valueSerde: undefined, keyChanged: false };
}

/**
 * @example
 * ```ts
 * streamGlobalTableJoin(lines.state, products.state, (_id, line) => line.productId, (line, p) => ({ line, p }), undefined, true);
 * ```
 */
export function streamGlobalTableJoin<K, V, GK, GV, VR>(
  stream: StreamState,
  table: GlobalTableState,
  keySelector: KeyValueMapper<K, V, GK | null | undefined>,
  joiner: ValueJoiner<V, GV | null, VR, K>,
  named: Named | undefined,
  leftJoin: boolean,
): StreamState {
  const operation = leftJoin ? 'KStream.leftJoin' : 'KStream.join';
  if (stream.graph !== table.graph) throw new KstError('KST_TOPOLOGY_INVALID', `${operation}: the global table was created by another StreamsBuilder`, { operation, node: stream.node });
  const { graph } = stream;
  graph.checkOpen(operation);
  const name = graph.nameOrGenerate(nameOf(named), leftJoin ? JOIN_PREFIX.LEFTJOIN : JOIN_PREFIX.JOIN);
  const storeName = table.storeName;
  addProcessor(graph, {
    name,
    parents: [stream.node],
    operator: leftJoin ? 'leftJoin' : 'join',
    factory: () => streamTableJoinOperator<K, V, GK, GV, VR>((context) => {
      const store = context.getStateStore<TimestampedKeyValueStore<GK, GV>>(storeName);
      return (key) => store.get(key);
    }, keySelector, joiner, leftJoin) as never,
  });
  return { graph, handles: stream.handles, node: name, keySerde: stream.keySerde, valueSerde: undefined, keyChanged: stream.keyChanged };
}
