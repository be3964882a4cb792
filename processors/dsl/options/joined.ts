/**
 * `Joined`: options of a stream-table join, as Kafka Streams' `Joined`: the serdes of the
 * stream's key and value (for the repartition topic a changed key needs) and of the
 * table's value, and a name for the join node and that repartition topic.
 *
 * @example
 * ```ts
 * orders.selectKey((_id, o) => o.customerId)
 *   .join(customers, (order, customer) => ({ ...order, customer }), Joined.as<string, Order, Customer>('order-customer'));
 * ```
 */

import type { Serde } from '../../../schemas/serdes/serde.ts';
import { checkName } from './named.ts';

export interface Joined<K, V, VO> {
  readonly keySerde: Serde<K> | undefined;
  readonly valueSerde: Serde<V> | undefined;
  readonly otherValueSerde: Serde<VO> | undefined;
  readonly name: string | undefined;
  withKeySerde(serde: Serde<K>): Joined<K, V, VO>;
  withValueSerde(serde: Serde<V>): Joined<K, V, VO>;
  withOtherValueSerde(serde: Serde<VO>): Joined<K, V, VO>;
  withName(name: string): Joined<K, V, VO>;
}

type Fields<K, V, VO> = Pick<Joined<K, V, VO>, 'keySerde' | 'valueSerde' | 'otherValueSerde' | 'name'>;

function make<K, V, VO>(fields: Fields<K, V, VO>): Joined<K, V, VO> {
  return Object.freeze({
    ...fields,
    withKeySerde: (serde: Serde<K>) => make({ ...fields, keySerde: serde }),
    withValueSerde: (serde: Serde<V>) => make({ ...fields, valueSerde: serde }),
    withOtherValueSerde: (serde: Serde<VO>) => make({ ...fields, otherValueSerde: serde }),
    withName: (name: string) => make({ ...fields, name: checkName(name, 'Joined') }),
  });
}

const EMPTY = { keySerde: undefined, valueSerde: undefined, otherValueSerde: undefined, name: undefined };

export const Joined = Object.freeze({
  with<K, V, VO>(keySerde: Serde<K> | undefined, valueSerde: Serde<V> | undefined, otherValueSerde?: Serde<VO>): Joined<K, V, VO> {
    return make<K, V, VO>({ ...EMPTY, keySerde, valueSerde, otherValueSerde });
  },
  as<K = unknown, V = unknown, VO = unknown>(name: string): Joined<K, V, VO> {
    return make<K, V, VO>({ ...EMPTY, name: checkName(name, 'Joined') });
  },
  keySerde<K, V = unknown, VO = unknown>(serde: Serde<K>): Joined<K, V, VO> {
    return make<K, V, VO>({ ...EMPTY, keySerde: serde });
  },
  valueSerde<V, K = unknown, VO = unknown>(serde: Serde<V>): Joined<K, V, VO> {
    return make<K, V, VO>({ ...EMPTY, valueSerde: serde });
  },
});
