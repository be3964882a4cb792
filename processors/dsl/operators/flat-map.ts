/**
 * `KStream.flatMap`, as Kafka Streams' `KStreamFlatMap`: zero or more records per record, each with its own key.
 */

import type { ProcessorSupplier } from '../../api/processor.ts';
import type { StreamRecord } from '../../api/record.ts';
import type { KeyValue, KeyValueMapper } from '../functions.ts';
import { forwardAll } from './forward-all.ts';
import { stateless } from './stateless.ts';

export function flatMapOperator<K, V, K2, V2>(mapper: KeyValueMapper<K, V, Iterable<KeyValue<K2, V2>>>): ProcessorSupplier<K, V, K2, V2> {
  return stateless((context, record) => {
    const out: StreamRecord<K2, V2>[] = [];
    for (const pair of mapper(record.key, record.value)) out.push({ key: pair.key, value: pair.value, timestamp: record.timestamp, headers: record.headers });
    return forwardAll(context, out);
  });
}
