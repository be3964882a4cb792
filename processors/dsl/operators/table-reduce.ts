/**
 * `KGroupedTable.reduce`, as Kafka Streams' `KTableReduce`: the subtractor takes a row's
 * old value out of its group's aggregate, the adder puts the new one in; a group's first
 * value is its aggregate.
 */

import type { ProcessorSupplier } from '../../api/processor.ts';
import type { Change, Reducer } from '../functions.ts';
import type { OperatorEnv } from '../graph/nodes.ts';
import { aggregateTimestamp, statefulOperator } from './stateful.ts';

export function tableReduceOperator<K, V>(adder: Reducer<V>, subtractor: Reducer<V>, env: OperatorEnv): ProcessorSupplier<K, Change<V>, K, Change<V>> {
  return statefulOperator<K, Change<V>, V>(env, 'reduce', (record, current, emitter) => {
    const { newValue, oldValue } = record.value;
    const oldAggregate = current === undefined ? null : current.value;
    let aggregate = oldAggregate;
    if (oldValue !== null && aggregate !== null) aggregate = subtractor(aggregate, oldValue);
    if (newValue !== null) aggregate = aggregate === null ? newValue : adder(aggregate, newValue);
    return emitter.write(aggregateTimestamp(record, current), aggregate, oldAggregate);
  });
}
