/**
 * `KTable.toStream`, as Kafka Streams' `KTableImpl.toStream`: each change leaves as a
 * record of its new value; a delete leaves as a null value (a tombstone).
 */

import type { ProcessorSupplier } from '../../api/processor.ts';
import { withValue } from '../../api/record.ts';
import type { Change } from '../functions.ts';
import { stateless } from './stateless.ts';

export function tableToStreamOperator<K, V>(): ProcessorSupplier<K, Change<V>, K, V | null> {
  return stateless((context, record) => context.forward(withValue(record, record.value.newValue)));
}
