/**
 * The frame of every processor that reads another table's current rows by key (the
 * table-table join sides and both ends of the foreign-key join): the other table's value
 * getter (its store, or its parent's for a filtered or mapped table) is opened in `init`,
 * and each record is handed over with it. Without a getter (an environment that gives
 * none) records are dropped.
 *
 * @example
 * ```ts
 * return tableLookupOperator<K, Change<unknown>, K, Change<VOut>>(env, 'KTABLE-SOURCE-0000000003', (record, getter, context) =>
 *   then(getter(record.key), (other) => context.forward(withValue(record, joinOf(record.value, other)))));
 * ```
 */

import type { Awaitable } from '../../../common/awaitable.ts';
import type { ProcessorContext, ProcessorSupplier } from '../../api/processor.ts';
import type { StreamRecord } from '../../api/record.ts';
import type { OperatorEnv, TableValueGetter } from '../graph/nodes.ts';

export function tableLookupOperator<KIn, VIn, KOut, VOut>(
  env: OperatorEnv,
  table: string,
  process: (record: StreamRecord<KIn, VIn>, getter: TableValueGetter, context: ProcessorContext<KOut, VOut>) => Awaitable<void> | undefined,
): ProcessorSupplier<KIn, VIn, KOut, VOut> {
  const supplier = env.valueGetter?.(table);
  return () => {
    let context: ProcessorContext<KOut, VOut> | undefined;
    let getter: TableValueGetter | undefined;
    return {
      init(ctx) {
        context = ctx;
        getter = supplier?.init(ctx as ProcessorContext<unknown, unknown>);
      },
      process(record) {
        if (getter === undefined) return undefined;
        return process(record, getter, context as ProcessorContext<KOut, VOut>);
      },
    };
  };
}
