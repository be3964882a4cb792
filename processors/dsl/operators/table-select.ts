/**
 * The key-value selection of `KTable.groupBy`, as Kafka Streams' `KTableRepartitionMap`:
 * each change of the table becomes a retraction of the old row's pair and an addition of
 * the new row's pair, so that the grouped aggregation can subtract and add. When both
 * pairs fall on the same key they travel as one `Change`; pairs with a null key or value
 * are dropped. The old pair goes first, as in Kafka, so a moved row is never counted twice.
 */

import type { ProcessorSupplier } from '../../api/processor.ts';
import type { StreamRecord } from '../../api/record.ts';
import { change, type Change, type KeyValue, type KeyValueMapper } from '../functions.ts';
import { forwardAll } from './forward-all.ts';
import { stateless } from './stateless.ts';

function present<K, V>(pair: KeyValue<K, V> | null): pair is KeyValue<K, V> {
  return pair !== null && pair.key !== null && pair.key !== undefined && pair.value !== null && pair.value !== undefined;
}

export function tableSelectOperator<K, V, K2, V2>(selector: KeyValueMapper<K, V, KeyValue<K2, V2>>): ProcessorSupplier<K, Change<V>, K2, Change<V2>> {
  return stateless((context, record) => {
    const { newValue, oldValue } = record.value;
    const added = newValue === null ? null : selector(record.key, newValue);
    const removed = oldValue === null ? null : selector(record.key, oldValue);
    const out: StreamRecord<K2, Change<V2>>[] = [];
    const at = (key: K2, value: Change<V2>): StreamRecord<K2, Change<V2>> => ({ key, value, timestamp: record.timestamp, headers: record.headers });
    if (present(added) && present(removed) && Object.is(added.key, removed.key)) {
      out.push(at(added.key, change(added.value, removed.value)));
    } else {
      if (present(removed)) out.push(at(removed.key, change<V2>(null, removed.value)));
      if (present(added)) out.push(at(added.key, change<V2>(added.value, null)));
    }
    return forwardAll(context, out);
  });
}
