/**
 * The shape shared by the aggregations: a processor that opens its timestamped store and
 * a table emitter at init, and for each record with a key reads the key's current entry
 * (synchronously when the runtime prefetched it) and decides the new value.
 */

import { then, type Awaitable } from '../../../common/awaitable.ts';
import type { ProcessorSupplier } from '../../api/processor.ts';
import type { StreamRecord } from '../../api/record.ts';
import type { TimestampedKeyValueStore, ValueAndTimestamp } from '../../../state/api/timestamped.ts';
import type { Change } from '../functions.ts';
import type { OperatorEnv } from '../graph/nodes.ts';
import { KstError } from '../../../common/errors.ts';
import { tableEmitter, type TableEmitter } from './table-emitter.ts';

export type Update<K, VIn, VAgg> = (
  record: StreamRecord<K, VIn>,
  current: ValueAndTimestamp<VAgg> | undefined,
  emitter: TableEmitter<K, VAgg>,
) => Awaitable<void>;

export function statefulOperator<K, VIn, VAgg>(env: OperatorEnv, operator: string, update: Update<K, VIn, VAgg>): ProcessorSupplier<K, VIn, K, Change<VAgg>> {
  const storeName = env.storeName;
  if (storeName === undefined) throw new KstError('KST_TOPOLOGY_INVALID', `${operator} needs a state store and the compiler gave none`, { operator });
  return () => {
    let store: TimestampedKeyValueStore<K, VAgg> | undefined;
    let emitter: TableEmitter<K, VAgg> | undefined;
    return {
      init(context) {
        store = context.getStateStore<TimestampedKeyValueStore<K, VAgg>>(storeName);
        emitter = tableEmitter(context, store, env.sendOldValues);
      },
      process(record) {
        // Kafka Streams drops records without a key here: they cannot be grouped.
        if (record.key === null || record.key === undefined || store === undefined || emitter === undefined) return undefined;
        const table = emitter;
        return then(store.get(record.key), (current) => update(record, current, table));
      },
    };
  };
}

/** The timestamp of an aggregate: the largest of the records that made it, as Kafka. */
export function aggregateTimestamp<K, V>(record: StreamRecord<K, V>, current: ValueAndTimestamp<unknown> | undefined): StreamRecord<K, V> {
  if (current === undefined || current.timestamp <= record.timestamp) return record;
  return { key: record.key, value: record.value, timestamp: current.timestamp, headers: record.headers };
}
