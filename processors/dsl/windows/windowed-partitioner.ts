/**
 * Kafka Streams' `WindowedStreamPartitioner`: a sink whose key serde writes windowed keys
 * partitions by the key alone (murmur2 of `serializeBaseKey`, as the producer hashes key
 * bytes), not by the key-and-window bytes, so every window of a key lands in that key's
 * partition and stays co-partitioned with the input it was counted from. The compiler
 * gives it to every sink with a windowed key serde and no partitioner of its own.
 *
 * @example
 * ```ts
 * const partitioner = windowedStreamPartitioner(WindowedSerdes.timeWindowedSerdeFrom(Serdes.String(), 60_000));
 * partitioner('counts', windowed('alice', 0, 60_000), 3, 8); // the partition of 'alice'
 * ```
 */

import { javaCompatiblePartitioner } from '../../kafka/records.ts';
import type { StreamPartitioner } from '../../plan/topology-plan.ts';
import type { Serde } from '../../../schemas/serdes/serde.ts';
import type { Windowed } from '../../../state/api/windowed.ts';
import { isWindowedSerde, type WindowedSerde } from './windowed-serdes.ts';

export function windowedStreamPartitioner<K>(serde: WindowedSerde<K>): StreamPartitioner<Windowed<K> | null, unknown> {
  return (topic, key, _value, numPartitions) => {
    if (key === null || key === undefined) return undefined;
    return javaCompatiblePartitioner(undefined, serde.serializeBaseKey(topic, key)) % numPartitions;
  };
}

/** The partitioner a sink gets by default: the windowed one for windowed key serdes, else none (murmur2 of the key bytes). */
export function defaultSinkPartitioner(keySerde: Serde<unknown>): StreamPartitioner | undefined {
  return isWindowedSerde(keySerde) ? windowedStreamPartitioner(keySerde) as StreamPartitioner : undefined;
}
