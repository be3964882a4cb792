/**
 * `KStream.flatMapValues`, as Kafka Streams' `KStreamFlatMapValues`: zero or more values per record, the key kept.
 */

import type { ProcessorSupplier } from '../../api/processor.ts';
import { withValue, type StreamRecord } from '../../api/record.ts';
import type { ValueMapper } from '../functions.ts';
import { forwardAll } from './forward-all.ts';
import { stateless } from './stateless.ts';

export function flatMapValuesOperator<K, V, V2>(mapper: ValueMapper<V, Iterable<V2>, K>): ProcessorSupplier<K, V, K, V2> {
  return stateless((context, record) => {
    const out: StreamRecord<K, V2>[] = [];
    for (const value of mapper(record.value, record.key)) out.push(withValue(record, value));
    return forwardAll(context, out);
  });
}
