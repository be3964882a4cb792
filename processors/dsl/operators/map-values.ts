/**
 * `KStream.mapValues`, as Kafka Streams' `KStreamMapValues`: a new value, the same key, so no repartition follows.
 */

import type { ProcessorSupplier } from '../../api/processor.ts';
import { withValue } from '../../api/record.ts';
import type { ValueMapper } from '../functions.ts';
import { stateless } from './stateless.ts';

export function mapValuesOperator<K, V, V2>(mapper: ValueMapper<V, V2, K>): ProcessorSupplier<K, V, K, V2> {
  return stateless((context, record) => context.forward(withValue(record, mapper(record.value, record.key))));
}
