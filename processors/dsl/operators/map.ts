/**
 * `KStream.map`, as Kafka Streams' `KStreamMap`: a new key and value per record; the key change makes the compiler repartition before the next stateful step.
 */

import type { ProcessorSupplier } from '../../api/processor.ts';
import type { KeyValue, KeyValueMapper } from '../functions.ts';
import { stateless } from './stateless.ts';

export function mapOperator<K, V, K2, V2>(mapper: KeyValueMapper<K, V, KeyValue<K2, V2>>): ProcessorSupplier<K, V, K2, V2> {
  return stateless((context, record) => {
    const pair = mapper(record.key, record.value);
    return context.forward({ key: pair.key, value: pair.value, timestamp: record.timestamp, headers: record.headers });
  });
}
