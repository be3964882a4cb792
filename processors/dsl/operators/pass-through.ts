/**
 * Forwards every record unchanged, as Kafka Streams' `PassThrough`: the node of `merge`, of each branch of `split`, and the filter before a repartition sink.
 */

import type { ProcessorSupplier } from '../../api/processor.ts';
import { stateless } from './stateless.ts';

export function passThroughOperator<K, V>(): ProcessorSupplier<K, V, K, V> {
  return stateless((context, record) => context.forward(record));
}
