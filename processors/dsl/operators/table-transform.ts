/**
 * The shape shared by KTable.filter and KTable.mapValues, as Kafka Streams'
 * `KTableFilter` and `KTableMapValues`: each `Change` is mapped value by value. When the
 * node is materialized it keeps its own results and takes old values from its store;
 * otherwise it computes the old value from its parent's (which the compiler then asks
 * the parent to send).
 */

import type { ProcessorContext, ProcessorSupplier } from '../../api/processor.ts';
import { withValue } from '../../api/record.ts';
import { change, type Change } from '../functions.ts';
import type { OperatorEnv } from '../graph/nodes.ts';
import { materializedTable, type MaterializedTable } from './materialized-table.ts';

/** Maps one side of a change; null in means absent and should give null out. */
export type ChangeMapper<K, V, V2> = (key: K, value: V | null) => V2 | null;

export function tableTransform<K, V, V2>(env: OperatorEnv, compute: ChangeMapper<K, V, V2>): ProcessorSupplier<K, Change<V>, K, Change<V2>> {
  return () => {
    let context: ProcessorContext<K, Change<V2>> | undefined;
    let table: MaterializedTable<K, V2> | undefined;
    return {
      init(ctx) {
        context = ctx;
        table = materializedTable(ctx, env);
      },
      process(record) {
        const newValue = compute(record.key, record.value.newValue);
        if (table !== undefined) return table.replace(record, newValue, true);
        const oldValue = env.sendOldValues ? compute(record.key, record.value.oldValue) : null;
        // Without old values a filtered-out row must still leave as a delete, as Kafka does.
        if (env.sendOldValues && oldValue === null && newValue === null) return undefined;
        return (context as ProcessorContext<K, Change<V2>>).forward(withValue(record, change(newValue, oldValue)));
      },
    };
  };
}
