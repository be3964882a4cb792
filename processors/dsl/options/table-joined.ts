/**
 * `TableJoined`: options of a foreign-key table join, as Kafka Streams' `TableJoined`:
 * the name its processors, stores and internal topics take, and the partitioners of the
 * two tables' topics, which the join needs to send each response to the partition of its
 * row when the tables are not partitioned by the default partitioner.
 *
 * @example
 * ```ts
 * orders.join(customers, (o) => o.customerId, (o, c) => ({ ...o, c }), TableJoined.as('order-customer'));
 * ```
 */

import type { StreamPartitioner } from '../../plan/topology-plan.ts';
import { checkName } from './named.ts';

export interface TableJoined<K, KO> {
  readonly name: string | undefined;
  readonly partitioner: StreamPartitioner<K, unknown> | undefined;
  readonly otherPartitioner: StreamPartitioner<KO, unknown> | undefined;
  withName(name: string): TableJoined<K, KO>;
  withPartitioner(partitioner: StreamPartitioner<K, unknown>): TableJoined<K, KO>;
  withOtherPartitioner(partitioner: StreamPartitioner<KO, unknown>): TableJoined<K, KO>;
}

type Fields<K, KO> = Pick<TableJoined<K, KO>, 'name' | 'partitioner' | 'otherPartitioner'>;

function make<K, KO>(fields: Fields<K, KO>): TableJoined<K, KO> {
  return Object.freeze({
    ...fields,
    withName: (name: string) => make({ ...fields, name: checkName(name, 'TableJoined') }),
    withPartitioner: (partitioner: StreamPartitioner<K, unknown>) => make({ ...fields, partitioner }),
    withOtherPartitioner: (partitioner: StreamPartitioner<KO, unknown>) => make({ ...fields, otherPartitioner: partitioner }),
  });
}

export const TableJoined = Object.freeze({
  as<K = unknown, KO = unknown>(name: string): TableJoined<K, KO> {
    return make<K, KO>({ name: checkName(name, 'TableJoined'), partitioner: undefined, otherPartitioner: undefined });
  },
  with<K, KO>(partitioner: StreamPartitioner<K, unknown> | undefined, otherPartitioner: StreamPartitioner<KO, unknown> | undefined): TableJoined<K, KO> {
    return make<K, KO>({ name: undefined, partitioner, otherPartitioner });
  },
});
