/**
 * `KGroupedStream.reduce`, as Kafka Streams' `KStreamReduce`: the first value of a key is
 * its aggregate; each later one is combined with it. Null values are skipped.
 */

import type { ProcessorSupplier } from '../../api/processor.ts';
import type { Change, Reducer } from '../functions.ts';
import type { OperatorEnv } from '../graph/nodes.ts';
import { aggregateTimestamp, statefulOperator } from './stateful.ts';

export function streamReduceOperator<K, V>(reducer: Reducer<V>, env: OperatorEnv): ProcessorSupplier<K, V, K, Change<V>> {
  return statefulOperator<K, V, V>(env, 'reduce', (record, current, emitter) => {
    if (record.value === null || record.value === undefined) return undefined;
    const oldAggregate = current === undefined ? null : current.value;
    const newAggregate = oldAggregate === null ? record.value : reducer(oldAggregate, record.value);
    return emitter.write(aggregateTimestamp(record, current), newAggregate, oldAggregate);
  });
}
