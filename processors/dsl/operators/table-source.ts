/**
 * The KTable source of `builder.table()` and `KStream.toTable()`, as Kafka Streams'
 * `KTableSource`: turns each record into a `Change` of its key. It keeps a store only when
 * the table is materialized (a named store, or a downstream operator needs old values),
 * else it forwards `{ newValue, oldValue: null }` without state. Null keys are dropped:
 * a table has no row for them.
 */

import type { ProcessorContext, ProcessorSupplier } from '../../api/processor.ts';
import { withValue } from '../../api/record.ts';
import { change, type Change } from '../functions.ts';
import type { OperatorEnv } from '../graph/nodes.ts';
import { materializedTable, type MaterializedTable } from './materialized-table.ts';

export function tableSourceOperator<K, V>(env: OperatorEnv): ProcessorSupplier<K, V | null, K, Change<V>> {
  return () => {
    let context: ProcessorContext<K, Change<V>> | undefined;
    let table: MaterializedTable<K, V> | undefined;
    return {
      init(ctx) {
        context = ctx;
        table = materializedTable(ctx, env);
      },
      process(record) {
        if (record.key === null || record.key === undefined) return undefined;
        const value = record.value ?? null;
        if (table !== undefined) return table.replace(record, value, false);
        return (context as ProcessorContext<K, Change<V>>).forward(withValue(record, change(value, null)));
      },
    };
  };
}
