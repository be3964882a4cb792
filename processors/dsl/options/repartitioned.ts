/**
 * `Repartitioned`: options of an explicit `KStream.repartition()`, as Kafka Streams'
 * `Repartitioned`: serdes, the topic name (`<name>-repartition`), a fixed partition count
 * and a partitioner.
 *
 * @example
 * ```ts
 * orders.repartition(Repartitioned.as<string, Order>('by-customer').withNumberOfPartitions(6));
 * ```
 */

import { KstError } from '../../../common/errors.ts';
import type { Serde } from '../../../schemas/serdes/serde.ts';
import type { StreamPartitioner } from '../../plan/topology-plan.ts';
import { checkName } from './named.ts';

export interface Repartitioned<K, V> {
  readonly keySerde: Serde<K> | undefined;
  readonly valueSerde: Serde<V> | undefined;
  readonly name: string | undefined;
  readonly partitions: number | undefined;
  readonly partitioner: StreamPartitioner<K, V> | undefined;
  withKeySerde(serde: Serde<K>): Repartitioned<K, V>;
  withValueSerde(serde: Serde<V>): Repartitioned<K, V>;
  withName(name: string): Repartitioned<K, V>;
  withNumberOfPartitions(partitions: number): Repartitioned<K, V>;
  withStreamPartitioner(partitioner: StreamPartitioner<K, V>): Repartitioned<K, V>;
}

interface RepartitionedFields<K, V> {
  readonly keySerde: Serde<K> | undefined;
  readonly valueSerde: Serde<V> | undefined;
  readonly name: string | undefined;
  readonly partitions: number | undefined;
  readonly partitioner: StreamPartitioner<K, V> | undefined;
}

function checkPartitions(partitions: number): number {
  if (!Number.isSafeInteger(partitions) || partitions < 1) {
    throw new KstError('KST_TOPOLOGY_INVALID', `Repartitioned number of partitions must be a positive integer (got ${partitions})`, { partitions });
  }
  return partitions;
}

function make<K, V>(fields: RepartitionedFields<K, V>): Repartitioned<K, V> {
  return Object.freeze({
    ...fields,
    withKeySerde: (serde: Serde<K>) => make({ ...fields, keySerde: serde }),
    withValueSerde: (serde: Serde<V>) => make({ ...fields, valueSerde: serde }),
    withName: (name: string) => make({ ...fields, name: checkName(name, 'Repartitioned') }),
    withNumberOfPartitions: (partitions: number) => make({ ...fields, partitions: checkPartitions(partitions) }),
    withStreamPartitioner: (partitioner: StreamPartitioner<K, V>) => make({ ...fields, partitioner }),
  });
}

const EMPTY = { keySerde: undefined, valueSerde: undefined, name: undefined, partitions: undefined, partitioner: undefined };

export const Repartitioned = Object.freeze({
  with<K, V>(keySerde: Serde<K> | undefined, valueSerde: Serde<V> | undefined): Repartitioned<K, V> {
    return make<K, V>({ ...EMPTY, keySerde, valueSerde });
  },
  as<K = unknown, V = unknown>(name: string): Repartitioned<K, V> {
    return make<K, V>({ ...EMPTY, name: checkName(name, 'Repartitioned') });
  },
  numberOfPartitions<K = unknown, V = unknown>(partitions: number): Repartitioned<K, V> {
    return make<K, V>({ ...EMPTY, partitions: checkPartitions(partitions) });
  },
  streamPartitioner<K, V>(partitioner: StreamPartitioner<K, V>): Repartitioned<K, V> {
    return make<K, V>({ ...EMPTY, partitioner });
  },
});
