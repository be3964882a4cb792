/**
 * The `KTABLE-MERGE-` node of a table-table join, as Kafka Streams'
 * `KTableKTableJoinMerger`: both sides' results become one table. Materialized, it keeps
 * the results in its store (old values from there); otherwise it passes the changes on,
 * with the old value only when a downstream operator asked for it.
 */

import type { ProcessorContext, ProcessorSupplier } from '../../api/processor.ts';
import { withValue } from '../../api/record.ts';
import { change, type Change } from '../functions.ts';
import type { OperatorEnv } from '../graph/nodes.ts';
import { materializedTable, type MaterializedTable } from './materialized-table.ts';

/**
 * @example
 * ```ts
 * tableJoinMergeOperator({ sendOldValues: false, storeName: 'joined-store', branches: [] });
 * ```
 */
export function tableJoinMergeOperator<K, V>(env: OperatorEnv): ProcessorSupplier<K, Change<V>, K, Change<V>> {
  return () => {
    let context: ProcessorContext<K, Change<V>> | undefined;
    let table: MaterializedTable<K, V> | undefined;
    return {
      init(ctx) {
        context = ctx;
        table = materializedTable(ctx, env);
      },
      process(record) {
        const { newValue, oldValue } = record.value;
        if (table !== undefined) return table.replace(record, newValue, true);
        return (context as ProcessorContext<K, Change<V>>).forward(withValue(record, change(newValue, env.sendOldValues ? oldValue : null)));
      },
    };
  };
}
