/**
 * `KTable.mapValues`, as Kafka Streams' `KTableMapValues`: deletes stay deletes, the
 * mapper sees only present values.
 */

import type { ProcessorSupplier } from '../../api/processor.ts';
import type { Change, ValueMapper } from '../functions.ts';
import type { OperatorEnv } from '../graph/nodes.ts';
import { tableTransform, type ChangeMapper } from './table-transform.ts';

export function tableMapValuesOperator<K, V, V2>(mapper: ValueMapper<V, V2, K>, env: OperatorEnv): ProcessorSupplier<K, Change<V>, K, Change<V2>> {
  return tableTransform<K, V, V2>(env, tableMapValuesMapper(mapper));
}

/** The mapping as a value mapper, which value getters (joins) also apply. */
export function tableMapValuesMapper<K, V, V2>(mapper: ValueMapper<V, V2, K>): ChangeMapper<K, V, V2> {
  return (key, value) => (value === null ? null : mapper(value, key));
}
