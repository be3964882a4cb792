/**
 * The `KTABLE-MERGE-` node of a table-table join, as Kafka Streams'
 * `KTableKTableJoinMerger`: both sides' results become one table. Materialized, it keeps
 * the results in its store (old values from there); otherwise it passes the changes on,
 * with the old value only when a downstream operator asked for it.
 */

import { then } from '../../common/awaitable.ts';
import type { ProcessorContext, ProcessorSupplier } from '../../processors/api/processor.ts';
import { withValue } from '../../processors/api/record.ts';
import type { TimestampedKeyValueStore } from '../../state/api/timestamped.ts';
import { change, type Change } from '../functions.ts';
import type { OperatorEnv } from '../graph/nodes.ts';
import { tableEmitter, type TableEmitter } from './table-emitter.ts';

/**
 * @example
 * ```ts
 * tableJoinMergeOperator({ sendOldValues: false, storeName: 'joined-store', branches: [] });
 * ```
 */
export function tableJoinMergeOperator<K, V>(env: OperatorEnv): ProcessorSupplier<K, Change<V>, K, Change<V>> {
  return () => {
    let context: ProcessorContext<K, Change<V>> | undefined;
    let store: TimestampedKeyValueStore<K, V> | undefined;
    let emitter: TableEmitter<K, V> | undefined;
    return {
      init(ctx) {
        context = ctx;
        if (env.storeName !== undefined) {
          store = ctx.getStateStore<TimestampedKeyValueStore<K, V>>(env.storeName);
          emitter = tableEmitter(ctx, store, env.sendOldValues);
        }
      },
      process(record) {
        const { newValue, oldValue } = record.value;
        if (store === undefined || emitter === undefined) {
          return (context as ProcessorContext<K, Change<V>>).forward(withValue(record, change(newValue, env.sendOldValues ? oldValue : null)));
        }
        const table = emitter;
        return then(store.get(record.key), (old) => {
          const stored = old === undefined ? null : old.value;
          if (stored === null && newValue === null) return undefined;
          return table.write(record, newValue, stored);
        });
      },
    };
  };
}
