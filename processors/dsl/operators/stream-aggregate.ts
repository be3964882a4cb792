/**
 * `KGroupedStream.aggregate` and `count`, as Kafka Streams' `KStreamAggregate`: the
 * aggregate of a key starts from the initializer and folds in each value; records with a
 * null value are skipped, as in Kafka.
 */

import type { ProcessorSupplier } from '../../api/processor.ts';
import type { Aggregator, Change, Initializer } from '../functions.ts';
import type { OperatorEnv } from '../graph/nodes.ts';
import { aggregateTimestamp, statefulOperator } from './stateful.ts';

export function streamAggregateOperator<K, V, VA>(initializer: Initializer<VA>, aggregator: Aggregator<K, V, VA>, env: OperatorEnv): ProcessorSupplier<K, V, K, Change<VA>> {
  return statefulOperator<K, V, VA>(env, 'aggregate', (record, current, emitter) => {
    if (record.value === null || record.value === undefined) return undefined;
    const oldAggregate = current === undefined ? null : current.value;
    const newAggregate = aggregator(record.key, record.value, oldAggregate === null ? initializer() : oldAggregate);
    return emitter.write(aggregateTimestamp(record, current), newAggregate, oldAggregate);
  });
}
