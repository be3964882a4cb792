/**
 * `KStream.peek` and `KStream.foreach`, as Kafka Streams' `KStreamPeek` and `ForeachProcessor`: a side effect per record; `peek` forwards the record unchanged, `foreach` ends the stream.
 */

import type { ProcessorSupplier } from '../../api/processor.ts';
import type { ForeachAction } from '../functions.ts';
import { stateless } from './stateless.ts';

export function peekOperator<K, V>(action: ForeachAction<K, V>, forward: boolean): ProcessorSupplier<K, V, K, V> {
  return stateless((context, record) => {
    action(record.key, record.value);
    return forward ? context.forward(record) : undefined;
  });
}
