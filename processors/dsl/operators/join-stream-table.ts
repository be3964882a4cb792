/**
 * Stream-table and stream-global-table joins, as Kafka Streams' `KStreamKTableJoin`: each
 * stream record looks up the table's current value under its key (or, for a global table,
 * under the key the selector derives); table updates trigger nothing. An inner join emits
 * only when the table has a value, a left join always, with null for a missing row.
 * Records without a value, or whose lookup key is null, are dropped: in a key-value model
 * a null value is no event, and a null key cannot be looked up (Kafka before KIP-962).
 */

import { then, type Awaitable } from '../../../common/awaitable.ts';
import type { ProcessorContext, ProcessorSupplier } from '../../api/processor.ts';
import { withValue } from '../../api/record.ts';
import type { ValueAndTimestamp } from '../../../state/api/timestamped.ts';
import type { KeyValueMapper } from '../functions.ts';
import type { ValueJoiner } from '../joins/value-joiner.ts';

/** Opens the table at init and answers lookups by key. */
export type TableLookup<KT, VT> = (context: ProcessorContext<unknown, unknown>) => (key: KT) => Awaitable<ValueAndTimestamp<VT> | undefined>;

/**
 * @example
 * ```ts
 * streamTableJoinOperator(lookup, (key) => key, (order, customer) => ({ order, customer }), true);
 * ```
 */
export function streamTableJoinOperator<K, V, KT, VT, VR>(
  lookup: TableLookup<KT, VT>,
  keySelector: KeyValueMapper<K, V, KT | null | undefined>,
  joiner: ValueJoiner<V, VT | null, VR, K>,
  leftJoin: boolean,
): ProcessorSupplier<K, V, K, VR> {
  return () => {
    let context: ProcessorContext<K, VR> | undefined;
    let get: ((key: KT) => Awaitable<ValueAndTimestamp<VT> | undefined>) | undefined;
    return {
      init(ctx) {
        context = ctx;
        get = lookup(ctx as ProcessorContext<unknown, unknown>);
      },
      process(record) {
        if (record.value === null || record.value === undefined || get === undefined) return undefined;
        const tableKey = keySelector(record.key, record.value);
        if (tableKey === null || tableKey === undefined) return undefined;
        const out = context as ProcessorContext<K, VR>;
        return then(get(tableKey), (entry) => {
          if (entry === undefined && !leftJoin) return undefined;
          return out.forward(withValue(record, joiner(record.value, entry === undefined ? null : entry.value, record.key)));
        });
      },
    };
  };
}
