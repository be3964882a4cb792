/**
 * The left table's side of a foreign-key join (KIP-213), as Kafka Streams'
 * `SubscriptionSendProcessorSupplier` and `ResponseJoinProcessorSupplier`:
 * - on each row change, subscribe the row to its foreign key (unsubscribing it from the
 *   old one when the key changed), with the hash of the row's new value;
 * - on each response, drop it unless it answers the row's current value (same hash), then
 *   emit the joined value, or null (a tombstone) when there is no result any more.
 */

import { then } from '../../../../common/awaitable.ts';
import type { ProcessorContext, ProcessorSupplier } from '../../../api/processor.ts';
import { withKey, withValue, type StreamRecord } from '../../../api/record.ts';
import type { Serde } from '../../../../schemas/serdes/serde.ts';
import type { Change } from '../../functions.ts';
import type { OperatorEnv } from '../../graph/nodes.ts';
import { tableLookupOperator } from '../../operators/table-lookup.ts';
import { Instruction, sameHash, valueHash, type Subscription, type SubscriptionResponse } from './fk-wrappers.ts';
import type { ForeignKeyExtractor } from '../value-joiner.ts';
import { forwardAll } from '../../operators/forward-all.ts';

export interface SubscriptionSendOptions<K, V, KO> {
  readonly extractor: ForeignKeyExtractor<K, V, KO>;
  readonly leftJoin: boolean;
  readonly valueSerde: Serde<V>;
  readonly foreignKeySerde: Serde<KO>;
  /** The topic name given to serdes, for their errors. */
  readonly topic: string;
}

/**
 * @example
 * ```ts
 * subscriptionSendOperator({ extractor: (order) => order.customerId, leftJoin: false, valueSerde, foreignKeySerde, topic });
 * ```
 */
export function subscriptionSendOperator<K, V, KO>(options: SubscriptionSendOptions<K, V, KO>): ProcessorSupplier<K, Change<V>, KO | null, Subscription<K>> {
  const foreignKeyOf = (key: K, value: V | null): KO | null => (value === null ? null : options.extractor(value, key) ?? null);
  const bytesOf = (foreignKey: KO | null): Buffer | null => (foreignKey === null ? null : options.foreignKeySerde.serialize(options.topic, foreignKey));
  return () => {
    let context: ProcessorContext<KO | null, Subscription<K>> | undefined;
    return {
      init(ctx) {
        context = ctx;
      },
      process(record) {
        if (record.key === null || record.key === undefined) return undefined;
        const { newValue, oldValue } = record.value;
        const hash = valueHash(newValue === null ? null : options.valueSerde.serialize(options.topic, newValue));
        const newKey = foreignKeyOf(record.key, newValue);
        const oldKey = foreignKeyOf(record.key, oldValue);
        const oldBytes = bytesOf(oldKey);
        const moved = oldBytes !== null && !oldBytes.equals(bytesOf(newKey) ?? Buffer.alloc(0));
        const out: StreamRecord<KO | null, Subscription<K>>[] = [];
        const send = (foreignKey: KO | null, instruction: Instruction): void => {
          out.push(withValue(withKey(record, foreignKey), { instruction, hash, primaryKey: record.key }));
        };
        if (newValue === null) {
          // A deleted row unsets its result; a left join's row without a foreign key still had one.
          if (oldValue !== null && (oldKey !== null || options.leftJoin)) send(oldKey, Instruction.DELETE_KEY_AND_PROPAGATE);
        } else if (newKey === null) {
          if (options.leftJoin) {
            if (moved) send(oldKey, Instruction.DELETE_KEY_NO_PROPAGATE);
            send(null, Instruction.PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE);
          } else if (oldKey !== null) {
            send(oldKey, Instruction.DELETE_KEY_AND_PROPAGATE);
          }
        } else {
          if (moved) send(oldKey, Instruction.DELETE_KEY_NO_PROPAGATE);
          // An update must unset an earlier result when the new key has no row; a new inner-join row need not.
          const unset = oldValue !== null || options.leftJoin;
          send(newKey, unset ? Instruction.PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE : Instruction.PROPAGATE_ONLY_IF_FK_VAL_AVAILABLE);
        }
        return forwardAll(context as ProcessorContext<KO | null, Subscription<K>>, out);
      },
    };
  };
}

export interface ResponseResolverOptions<K, V, VO, VR> {
  readonly leftTable: string;
  readonly leftJoin: boolean;
  readonly valueSerde: Serde<V>;
  readonly topic: string;
  readonly joiner: (value: V, other: VO | null, key: K) => VR;
}

/**
 * @example
 * ```ts
 * responseResolverOperator({ leftTable: 'KTABLE-SOURCE-0000000001', leftJoin: true, valueSerde, topic, joiner }, env);
 * ```
 */
export function responseResolverOperator<K, V, VO, VR>(options: ResponseResolverOptions<K, V, VO, VR>, env: OperatorEnv): ProcessorSupplier<K, SubscriptionResponse<VO>, K, VR | null> {
  return tableLookupOperator<K, SubscriptionResponse<VO>, K, VR | null>(env, options.leftTable, (record, getter, out) => {
    if (record.key === null || record.key === undefined || record.value === null) return undefined;
    const response = record.value;
    return then(getter(record.key), (current) => {
      const value = current === undefined ? null : (current.value as V);
      const hash = valueHash(value === null ? null : options.valueSerde.serialize(options.topic, value));
      // An answer to a value the row no longer has: a later subscription will answer.
      if (!sameHash(hash, response.hash)) return undefined;
      const result = value === null || (response.value === null && !options.leftJoin) ? null : options.joiner(value, response.value, record.key);
      return out.forward(withValue(record, result));
    });
  });
}
