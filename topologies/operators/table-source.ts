/**
 * The KTable source of `builder.table()` and `KStream.toTable()`, as Kafka Streams'
 * `KTableSource`: turns each record into a `Change` of its key. It keeps a store only when
 * the table is materialized (a named store, or a downstream operator needs old values),
 * else it forwards `{ newValue, oldValue: null }` without state. Null keys are dropped:
 * a table has no row for them.
 */

import { then } from '../../common/awaitable.ts';
import type { ProcessorContext, ProcessorSupplier } from '../../processors/api/processor.ts';
import { withValue } from '../../processors/api/record.ts';
import type { TimestampedKeyValueStore } from '../../state/api/timestamped.ts';
import { change, type Change } from '../functions.ts';
import type { OperatorEnv } from '../graph/nodes.ts';
import { tableEmitter, type TableEmitter } from './table-emitter.ts';

export function tableSourceOperator<K, V>(env: OperatorEnv): ProcessorSupplier<K, V | null, K, Change<V>> {
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
        if (record.key === null || record.key === undefined) return undefined;
        const value = record.value ?? null;
        if (store === undefined || emitter === undefined) return (context as ProcessorContext<K, Change<V>>).forward(withValue(record, change(value, null)));
        const table = emitter;
        return then(store.get(record.key), (old) => table.write(record, value, old === undefined ? null : old.value));
      },
    };
  };
}
