/**
 * `Grouped`: serdes and name for a grouping, as Kafka Streams' `Grouped`. The name names
 * the repartition topic (`<name>-repartition`) when the grouping needs one, and the
 * key-selecting node of `groupBy`.
 *
 * @example
 * ```ts
 * words.groupBy((_k, word) => word, Grouped.with(Serdes.String(), Serdes.String()).withName('by-word'));
 * ```
 */

import type { Serde } from '../../../schemas/serdes/serde.ts';
import { checkName } from './named.ts';

export interface Grouped<K, V> {
  readonly keySerde: Serde<K> | undefined;
  readonly valueSerde: Serde<V> | undefined;
  readonly name: string | undefined;
  withKeySerde(serde: Serde<K>): Grouped<K, V>;
  withValueSerde(serde: Serde<V>): Grouped<K, V>;
  withName(name: string): Grouped<K, V>;
}

interface GroupedFields<K, V> {
  readonly keySerde: Serde<K> | undefined;
  readonly valueSerde: Serde<V> | undefined;
  readonly name: string | undefined;
}

function make<K, V>(fields: GroupedFields<K, V>): Grouped<K, V> {
  return Object.freeze({
    ...fields,
    withKeySerde: (serde: Serde<K>) => make({ ...fields, keySerde: serde }),
    withValueSerde: (serde: Serde<V>) => make({ ...fields, valueSerde: serde }),
    withName: (name: string) => make({ ...fields, name: checkName(name, 'Grouped') }),
  });
}

export const Grouped = Object.freeze({
  with<K, V>(keySerde: Serde<K> | undefined, valueSerde: Serde<V> | undefined): Grouped<K, V> {
    return make<K, V>({ keySerde, valueSerde, name: undefined });
  },
  as<K = unknown, V = unknown>(name: string): Grouped<K, V> {
    return make<K, V>({ keySerde: undefined, valueSerde: undefined, name: checkName(name, 'Grouped') });
  },
  keySerde<K, V = unknown>(serde: Serde<K>): Grouped<K, V> {
    return make<K, V>({ keySerde: serde, valueSerde: undefined, name: undefined });
  },
  valueSerde<K = unknown, V = unknown>(serde: Serde<V>): Grouped<K, V> {
    return make<K, V>({ keySerde: undefined, valueSerde: serde, name: undefined });
  },
});
