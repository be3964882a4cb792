/**
 * One side of a table-table join, as Kafka Streams' `KTableKTableInnerJoin`,
 * `KTableKTableLeftJoin` / `RightJoin` and `KTableKTableOuterJoin`: an update of this
 * table's row joins the other table's current row of the same key (read through its
 * value getter). The join's previous result is computed from the row's old value, so a
 * delete, or an update that leaves the join, becomes a tombstone exactly when there was a
 * result before, and an update that never joined emits nothing. The result's timestamp is
 * the larger of the two rows'.
 */

import { then } from '../../../common/awaitable.ts';
import type { ProcessorSupplier } from '../../api/processor.ts';
import { withTimestamp, withValue } from '../../api/record.ts';
import { change, type Change } from '../functions.ts';
import type { OperatorEnv } from '../graph/nodes.ts';
import { tableLookupOperator } from './table-lookup.ts';

export type TableJoinKind = 'inner' | 'left' | 'outer';

export interface TableJoinSide<K, VL, VR, VOut> {
  readonly kind: TableJoinKind;
  /** True for the processor of the join's left table. */
  readonly thisIsLeft: boolean;
  /** The other table's node, whose value getter this side reads. */
  readonly otherTable: string;
  readonly joiner: (left: VL | null, right: VR | null, key: K) => VOut;
}

function joins(kind: TableJoinKind, left: unknown, right: unknown): boolean {
  if (kind === 'inner') return left !== null && right !== null;
  if (kind === 'left') return left !== null;
  return left !== null || right !== null;
}

/**
 * @example
 * ```ts
 * tableTableJoinOperator({ kind: 'left', thisIsLeft: true, otherTable: 'KTABLE-SOURCE-0000000003', joiner: (l, r) => [l, r] }, env);
 * ```
 */
export function tableTableJoinOperator<K, VL, VR, VOut>(side: TableJoinSide<K, VL, VR, VOut>, env: OperatorEnv): ProcessorSupplier<K, Change<unknown>, K, Change<VOut>> {
  return tableLookupOperator<K, Change<unknown>, K, Change<VOut>>(env, side.otherTable, (record, getter, out) => {
    if (record.key === null || record.key === undefined) return undefined;
    return then(getter(record.key), (other) => {
      const otherValue = other === undefined ? null : other.value;
      const result = (value: unknown): VOut | null => {
        const [left, right] = side.thisIsLeft ? [value, otherValue] : [otherValue, value];
        return joins(side.kind, left, right) ? side.joiner(left as VL | null, right as VR | null, record.key) : null;
      };
      const newResult = result(record.value.newValue);
      const oldResult = result(record.value.oldValue);
      if (newResult === null && oldResult === null) return undefined;
      const timestamp = other === undefined ? record.timestamp : Math.max(record.timestamp, other.timestamp);
      return out.forward(withTimestamp(withValue(record, change(newResult, oldResult)), timestamp));
    });
  });
}
