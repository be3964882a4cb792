/**
 * `KStream.selectKey` and the key selection of `KStream.groupBy`, as Kafka Streams' `KStreamMap` under the `KSTREAM-KEY-SELECT-` name.
 */

import type { ProcessorSupplier } from '../../api/processor.ts';
import { withKey } from '../../api/record.ts';
import type { KeyValueMapper } from '../functions.ts';
import { stateless } from './stateless.ts';

export function selectKeyOperator<K, V, K2>(selector: KeyValueMapper<K, V, K2>): ProcessorSupplier<K, V, K2, V> {
  return stateless((context, record) => context.forward(withKey(record, selector(record.key, record.value))));
}
