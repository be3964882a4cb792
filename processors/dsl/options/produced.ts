/**
 * `Produced`: how a sink writes (serdes, partitioner, the sink node's name), as Kafka
 * Streams' `Produced`. Immutable; each `with*` returns a copy.
 *
 * @example
 * ```ts
 * counts.toStream().to('word-counts', Produced.with(Serdes.String(), Serdes.Long()));
 * ```
 */

import type { Serde } from '../../../schemas/serdes/serde.ts';
import type { StreamPartitioner } from '../../plan/topology-plan.ts';
import { checkName } from './named.ts';

export interface Produced<K, V> {
  readonly keySerde: Serde<K> | undefined;
  readonly valueSerde: Serde<V> | undefined;
  readonly partitioner: StreamPartitioner<K, V> | undefined;
  readonly name: string | undefined;
  withKeySerde(serde: Serde<K>): Produced<K, V>;
  withValueSerde(serde: Serde<V>): Produced<K, V>;
  withStreamPartitioner(partitioner: StreamPartitioner<K, V>): Produced<K, V>;
  withName(name: string): Produced<K, V>;
}

interface ProducedFields<K, V> {
  readonly keySerde: Serde<K> | undefined;
  readonly valueSerde: Serde<V> | undefined;
  readonly partitioner: StreamPartitioner<K, V> | undefined;
  readonly name: string | undefined;
}

function make<K, V>(fields: ProducedFields<K, V>): Produced<K, V> {
  return Object.freeze({
    ...fields,
    withKeySerde: (serde: Serde<K>) => make({ ...fields, keySerde: serde }),
    withValueSerde: (serde: Serde<V>) => make({ ...fields, valueSerde: serde }),
    withStreamPartitioner: (partitioner: StreamPartitioner<K, V>) => make({ ...fields, partitioner }),
    withName: (name: string) => make({ ...fields, name: checkName(name, 'Produced') }),
  });
}

const EMPTY = { keySerde: undefined, valueSerde: undefined, partitioner: undefined, name: undefined };

export const Produced = Object.freeze({
  with<K, V>(keySerde: Serde<K> | undefined, valueSerde: Serde<V> | undefined, partitioner?: StreamPartitioner<K, V>): Produced<K, V> {
    return make<K, V>({ ...EMPTY, keySerde, valueSerde, partitioner });
  },
  as<K = unknown, V = unknown>(name: string): Produced<K, V> {
    return make<K, V>({ ...EMPTY, name: checkName(name, 'Produced') });
  },
  keySerde<K, V = unknown>(serde: Serde<K>): Produced<K, V> {
    return make<K, V>({ ...EMPTY, keySerde: serde });
  },
  valueSerde<K = unknown, V = unknown>(serde: Serde<V>): Produced<K, V> {
    return make<K, V>({ ...EMPTY, valueSerde: serde });
  },
  streamPartitioner<K, V>(partitioner: StreamPartitioner<K, V>): Produced<K, V> {
    return make<K, V>({ ...EMPTY, partitioner });
  },
});
