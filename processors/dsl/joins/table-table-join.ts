/**
 * The DSL side of `KTable.join / leftJoin / outerJoin(KTable)`, as Kafka Streams'
 * `KTableImpl.doJoin`: one processor per side (`KTABLE-JOINTHIS-`, `KTABLE-JOINOTHER-`),
 * each reading the other table through its value getter, and a `KTABLE-MERGE-` node that
 * is the joined table (materialized in its own store with `Materialized`). Names are taken
 * in Kafka's order: the store (when materialized without a name), the merge, the sides.
 * Both tables must be co-partitioned; their old values are always sent, so that the join
 * knows its previous result.
 */

import type { Serde } from '../../../schemas/serdes/serde.ts';
import { addProcessor, checkSameGraph, nameOf, type TableState } from '../handles.ts';
import { tableJoinMergeOperator } from '../operators/join-table-merge.ts';
import { tableTableJoinOperator, type TableJoinKind } from '../operators/join-table-table.ts';
import type { Materialized } from '../options/materialized.ts';
import type { Named } from '../options/named.ts';
import { JOIN_PREFIX, suffixedOr } from './join-names.ts';

type AnyJoiner = (left: unknown, right: unknown, key: unknown) => unknown;

/**
 * @example
 * ```ts
 * const state = tableTableJoin(orders.state, customers.state, (o, c) => ({ o, c }), 'left', undefined, Materialized.as('enriched'));
 * ```
 */
export function tableTableJoin(left: TableState, right: TableState, joiner: AnyJoiner, kind: TableJoinKind, named: Named | undefined, materialized: Materialized<unknown, unknown> | undefined): TableState {
  const operation = kind === 'inner' ? 'KTable.join' : kind === 'left' ? 'KTable.leftJoin' : 'KTable.outerJoin';
  checkSameGraph(left, right, operation);
  const { graph } = left;
  graph.checkOpen(operation);
  const storeName = materialized === undefined ? undefined : materialized.storeName ?? graph.newStoreName(JOIN_PREFIX.TABLE_MERGE);
  const merge = graph.nameOrGenerate(nameOf(named), JOIN_PREFIX.TABLE_MERGE);
  const joinThis = suffixedOr(nameOf(named), '-join-this', () => graph.newProcessorName(JOIN_PREFIX.TABLE_JOINTHIS));
  const joinOther = suffixedOr(nameOf(named), '-join-other', () => graph.newProcessorName(JOIN_PREFIX.TABLE_JOINOTHER));
  const keySerde = (materialized?.keySerde as Serde<unknown> | undefined) ?? left.keySerde;
  const valueSerde = materialized?.valueSerde as Serde<unknown> | undefined;
  if (materialized !== undefined && storeName !== undefined) {
    graph.addStore({ kind: 'dsl', name: storeName, owner: merge, lazy: false, materialized, keySerde, valueSerde });
  }
  addProcessor(graph, {
    name: joinThis, parents: [left.node], operator: operation, valueGetters: [right.node],
    table: { kind: 'join', storeName: undefined, materialized: false },
    factory: (env) => tableTableJoinOperator({ kind, thisIsLeft: true, otherTable: right.node, joiner }, env) as never,
  });
  addProcessor(graph, {
    name: joinOther, parents: [right.node], operator: operation, valueGetters: [left.node],
    table: { kind: 'join', storeName: undefined, materialized: false },
    factory: (env) => tableTableJoinOperator({ kind, thisIsLeft: false, otherTable: left.node, joiner }, env) as never,
  });
  addProcessor(graph, {
    name: merge, parents: [joinThis, joinOther], operator: operation,
    table: { kind: 'transform', storeName, materialized: storeName !== undefined },
    factory: (env) => tableJoinMergeOperator(env) as never,
  });
  graph.copartition([left.node, right.node]);
  return { graph, handles: left.handles, node: merge, keySerde, valueSerde, keyChanged: false, queryableStoreName: materialized?.storeName };
}
