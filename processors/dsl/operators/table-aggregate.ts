/**
 * `KGroupedTable.aggregate` and `count`, as Kafka Streams' `KTableAggregate`: a change
 * first subtracts the row's old value from its group's aggregate, then adds the new one,
 * so a row that moves between groups or changes its value is counted once.
 */

import type { ProcessorSupplier } from '../../api/processor.ts';
import type { Aggregator, Change, Initializer } from '../functions.ts';
import type { OperatorEnv } from '../graph/nodes.ts';
import { aggregateTimestamp, statefulOperator } from './stateful.ts';

export function tableAggregateOperator<K, V, VA>(
  initializer: Initializer<VA>,
  adder: Aggregator<K, V, VA>,
  subtractor: Aggregator<K, V, VA>,
  env: OperatorEnv,
): ProcessorSupplier<K, Change<V>, K, Change<VA>> {
  return statefulOperator<K, Change<V>, VA>(env, 'aggregate', (record, current, emitter) => {
    const { newValue, oldValue } = record.value;
    const oldAggregate = current === undefined ? null : current.value;
    let aggregate = oldAggregate;
    if (oldValue !== null && aggregate !== null) aggregate = subtractor(record.key, oldValue, aggregate);
    if (newValue !== null) aggregate = adder(record.key, newValue, aggregate === null ? initializer() : aggregate);
    return emitter.write(aggregateTimestamp(record, current), aggregate, oldAggregate);
  });
}
