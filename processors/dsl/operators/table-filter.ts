/**
 * `KTable.filter` / `filterNot`, as Kafka Streams' `KTableFilter`: a row the predicate
 * rejects becomes a delete downstream, so the filtered table loses the key.
 */

import type { ProcessorSupplier } from '../../api/processor.ts';
import type { Change, Predicate } from '../functions.ts';
import type { OperatorEnv } from '../graph/nodes.ts';
import { tableTransform, type ChangeMapper } from './table-transform.ts';

export function tableFilterOperator<K, V>(predicate: Predicate<K, V>, negate: boolean, env: OperatorEnv): ProcessorSupplier<K, Change<V>, K, Change<V>> {
  return tableTransform<K, V, V>(env, tableFilterMapper(predicate, negate));
}

/** The filter as a value mapper, which value getters (joins) also apply. */
export function tableFilterMapper<K, V>(predicate: Predicate<K, V>, negate: boolean): ChangeMapper<K, V, V> {
  return (key, value) => (value !== null && predicate(key, value) !== negate ? value : null);
}
