/**
 * `KStream.filter` / `filterNot`, as Kafka Streams' `KStreamFilter`: forwards the records the predicate accepts (or, negated, rejects).
 */

import type { ProcessorSupplier } from '../../api/processor.ts';
import type { Predicate } from '../functions.ts';
import { stateless } from './stateless.ts';

export function filterOperator<K, V>(predicate: Predicate<K, V>, negate: boolean): ProcessorSupplier<K, V, K, V> {
  return stateless((context, record) => (predicate(record.key, record.value) !== negate ? context.forward(record) : undefined));
}
