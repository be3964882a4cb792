/**
 * The other (foreign) table's side of a foreign-key join (KIP-213), as Kafka Streams'
 * `SubscriptionReceiveProcessorSupplier`, `SubscriptionJoinProcessorSupplier` and
 * `ForeignTableJoinProcessorSupplier`:
 * - a subscription is remembered (or forgotten) in the subscription store under
 *   (foreign key, primary key), then answered with the foreign row's current value as
 *   its instruction asks;
 * - an update of a foreign row answers every row subscribed to it.
 * Answers are keyed by the primary key, bound for the left table's partition.
 */

import { isPromise, then } from '../../../../common/awaitable.ts';
import type { ProcessorContext, ProcessorSupplier } from '../../../api/processor.ts';
import { withKey, withValue, type StreamRecord } from '../../../api/record.ts';
import type { KeyValueStore } from '../../../../state/api/key-value-store.ts';
import type { Serde } from '../../../../schemas/serdes/serde.ts';
import type { Change } from '../../functions.ts';
import type { OperatorEnv } from '../../graph/nodes.ts';
import { tableLookupOperator } from '../../operators/table-lookup.ts';
import { combinedKey, foreignKeyPrefix, Instruction, type Subscription, type SubscriptionResponse } from './fk-wrappers.ts';

type SubscriptionStore = KeyValueStore<Buffer, Buffer>;

export interface SubscriptionStoreOptions<K, KO> {
  readonly storeName: string;
  readonly primaryKeySerde: Serde<K>;
  readonly foreignKeySerde: Serde<KO>;
  readonly subscriptionSerde: Serde<Subscription<K>>;
  readonly topic: string;
}

/**
 * Remembers or forgets each subscription, then passes it on; a row without a foreign key
 * is answered at once (null), as nothing can be subscribed to.
 *
 * @example
 * ```ts
 * subscriptionReceiveOperator({ storeName, primaryKeySerde, foreignKeySerde, subscriptionSerde, topic });
 * ```
 */
export function subscriptionReceiveOperator<K, KO>(options: SubscriptionStoreOptions<K, KO>): ProcessorSupplier<KO | null, Subscription<K>, KO | null, Subscription<K>> {
  return () => {
    let context: ProcessorContext<KO | null, Subscription<K>> | undefined;
    let store: SubscriptionStore | undefined;
    return {
      init(ctx) {
        context = ctx;
        store = ctx.getStateStore<SubscriptionStore>(options.storeName);
      },
      process(record) {
        if (record.value === null || store === undefined) return undefined;
        if (record.key !== null && record.key !== undefined) {
          const foreign = options.foreignKeySerde.serialize(options.topic, record.key) ?? Buffer.alloc(0);
          const primary = options.primaryKeySerde.serialize(options.topic, record.value.primaryKey) ?? Buffer.alloc(0);
          const key = combinedKey(foreign, primary);
          const instruction = record.value.instruction;
          if (instruction === Instruction.DELETE_KEY_AND_PROPAGATE || instruction === Instruction.DELETE_KEY_NO_PROPAGATE) {
            const deleted = store.delete(key);
            if (isPromise(deleted)) return deleted.then(() => (context as ProcessorContext<KO | null, Subscription<K>>).forward(record));
          } else {
            store.put(key, options.subscriptionSerde.serialize(options.topic, record.value) ?? Buffer.alloc(0));
          }
        }
        return (context as ProcessorContext<KO | null, Subscription<K>>).forward(record);
      },
    };
  };
}

/**
 * Answers a subscription with the foreign row's current value, as its instruction asks.
 *
 * @example
 * ```ts
 * subscriptionJoinOperator('KTABLE-SOURCE-0000000003', env);
 * ```
 */
export function subscriptionJoinOperator<K, KO, VO>(foreignTable: string, env: OperatorEnv): ProcessorSupplier<KO | null, Subscription<K>, K, SubscriptionResponse<VO>> {
  return tableLookupOperator<KO | null, Subscription<K>, K, SubscriptionResponse<VO>>(env, foreignTable, (record, getter, out) => {
    const subscription = record.value;
    if (subscription === null || subscription.instruction === Instruction.DELETE_KEY_NO_PROPAGATE) return undefined;
    const answer = (value: VO | null): StreamRecord<K, SubscriptionResponse<VO>> =>
      withValue(withKey(record, subscription.primaryKey), { hash: subscription.hash, value });
    if (record.key === null || record.key === undefined || subscription.instruction === Instruction.DELETE_KEY_AND_PROPAGATE) return out.forward(answer(null));
    return then(getter(record.key), (entry) => {
      const value = entry === undefined ? null : (entry.value as VO);
      if (value === null && subscription.instruction === Instruction.PROPAGATE_ONLY_IF_FK_VAL_AVAILABLE) return undefined;
      return out.forward(answer(value));
    });
  });
}

/**
 * Answers every row subscribed to a foreign row that changed.
 *
 * @example
 * ```ts
 * foreignTableUpdateOperator({ storeName, primaryKeySerde, foreignKeySerde, subscriptionSerde, topic });
 * ```
 */
export function foreignTableUpdateOperator<K, KO, VO>(options: SubscriptionStoreOptions<K, KO>): ProcessorSupplier<KO, Change<VO>, K, SubscriptionResponse<VO>> {
  return () => {
    let context: ProcessorContext<K, SubscriptionResponse<VO>> | undefined;
    let store: SubscriptionStore | undefined;
    return {
      init(ctx) {
        context = ctx;
        store = ctx.getStateStore<SubscriptionStore>(options.storeName);
      },
      async process(record) {
        if (record.key === null || record.key === undefined || store === undefined) return;
        const prefix = foreignKeyPrefix(options.foreignKeySerde.serialize(options.topic, record.key) ?? Buffer.alloc(0));
        const subscribers: Subscription<K>[] = [];
        for await (const entry of store.range(prefix)) {
          if (!entry.key.subarray(0, prefix.length).equals(prefix)) break;
          const subscription = options.subscriptionSerde.deserialize(options.topic, entry.value);
          if (subscription !== null) subscribers.push(subscription);
        }
        const out = context as ProcessorContext<K, SubscriptionResponse<VO>>;
        for (const subscription of subscribers) {
          await out.forward(withValue(withKey(record, subscription.primaryKey), { hash: subscription.hash, value: record.value.newValue }));
        }
      },
    };
  };
}
