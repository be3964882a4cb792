/**
 * The store side shared by the KTable operators that keep their results when
 * materialized (source, filter/mapValues, join merge): read the row's current value,
 * then store the new one and emit the change through the `TableEmitter`.
 */

import { then, type Awaitable } from '../../../common/awaitable.ts';
import type { ProcessorContext } from '../../api/processor.ts';
import type { StreamRecord } from '../../api/record.ts';
import type { TimestampedKeyValueStore } from '../../../state/api/timestamped.ts';
import type { Change } from '../functions.ts';
import type { OperatorEnv } from '../graph/nodes.ts';
import { tableEmitter } from './table-emitter.ts';

export interface MaterializedTable<K, V> {
  /**
   * Replaces the row of `record.key` with `newValue` (null deletes) and emits the change
   * with the stored value as the old one. With `dropEmptyDeletes`, deleting a row that is
   * not there emits nothing, as Kafka Streams' filter and join merger do.
   */
  replace(record: StreamRecord<K, unknown>, newValue: V | null, dropEmptyDeletes: boolean): Awaitable<void>;
}

/**
 * The node's table when it has a store (`env.storeName`), else undefined: the operator
 * then forwards changes without state.
 *
 * @example
 * ```ts
 * init(ctx) { table = materializedTable(ctx, env); },
 * process(record) { return table?.replace(record, record.value, false) ?? ctx.forward(...); },
 * ```
 */
export function materializedTable<K, V>(context: ProcessorContext<K, Change<V>>, env: OperatorEnv): MaterializedTable<K, V> | undefined {
  if (env.storeName === undefined) return undefined;
  const store = context.getStateStore<TimestampedKeyValueStore<K, V>>(env.storeName);
  const emitter = tableEmitter(context, store, env.sendOldValues);
  return {
    replace(record, newValue, dropEmptyDeletes) {
      return then(store.get(record.key), (old) => {
        const oldValue = old === undefined ? null : old.value;
        if (dropEmptyDeletes && oldValue === null && newValue === null) return undefined;
        return emitter.write(record, newValue, oldValue);
      });
    },
  };
}
