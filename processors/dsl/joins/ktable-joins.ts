/**
 * Dispatches `KTable.join / leftJoin / outerJoin` as Kafka Streams' overloads do: a joiner
 * in third place means a foreign-key join (the second argument extracts the foreign key),
 * otherwise a join of two tables with the same key. The `(Named | TableJoined, Materialized)`
 * arguments may come alone, as in Kafka.
 */

import type { TableState } from '../handles.ts';
import type { Materialized } from '../options/materialized.ts';
import type { Named } from '../options/named.ts';
import type { TableJoined } from '../options/table-joined.ts';
import { foreignKeyJoin } from './foreign-key/fk-join.ts';
import { tableTableJoin } from './table-table-join.ts';
import type { TableJoinKind } from '../operators/join-table-table.ts';

type AnyMaterialized = Materialized<unknown, unknown>;

function isMaterialized(value: unknown): value is AnyMaterialized {
  return typeof value === 'object' && value !== null && 'storeName' in value && 'cachingEnabled' in value;
}

/**
 * @example
 * ```ts
 * tableJoin('left', orders.state, customers.state, (o: Order) => o.customerId, (o, c) => ({ o, c }), undefined, undefined);
 * ```
 */
export function tableJoin(kind: TableJoinKind, own: TableState, other: TableState, second: unknown, third: unknown, fourth: unknown, fifth: unknown): TableState {
  if (typeof third === 'function') {
    const [options, materialized] = isMaterialized(fourth) ? [undefined, fourth] : [fourth as TableJoined<unknown, unknown> | undefined, fifth as AnyMaterialized | undefined];
    return foreignKeyJoin(own, other, second as never, third as never, kind === 'left', options, materialized);
  }
  const [named, materialized] = isMaterialized(third) ? [undefined, third] : [third as Named | undefined, fourth as AnyMaterialized | undefined];
  return tableTableJoin(own, other, second as never, kind, named, materialized);
}
