/**
 * `Consumed`: how a source reads its topics (serdes, timestamp extractor, offset reset,
 * the source node's name), as Kafka Streams' `Consumed`. Immutable; each `with*` returns a copy.
 *
 * @example
 * ```ts
 * builder.stream('orders.events', Consumed.with(Serdes.String(), Serdes.JSON<OrderEvent>()).withOffsetResetPolicy('earliest'));
 * ```
 */

import type { Serde } from '../../../schemas/serdes/serde.ts';
import type { OffsetReset, TimestampExtractor } from '../../plan/topology-plan.ts';
import { checkName } from './named.ts';

export interface Consumed<K, V> {
  readonly keySerde: Serde<K> | undefined;
  readonly valueSerde: Serde<V> | undefined;
  readonly timestampExtractor: TimestampExtractor | undefined;
  readonly offsetReset: OffsetReset | undefined;
  readonly name: string | undefined;
  withKeySerde<K2>(serde: Serde<K2>): Consumed<K2, V>;
  withValueSerde<V2>(serde: Serde<V2>): Consumed<K, V2>;
  withTimestampExtractor(extractor: TimestampExtractor): Consumed<K, V>;
  withOffsetResetPolicy(reset: OffsetReset): Consumed<K, V>;
  withName(name: string): Consumed<K, V>;
}

interface ConsumedFields<K, V> {
  readonly keySerde: Serde<K> | undefined;
  readonly valueSerde: Serde<V> | undefined;
  readonly timestampExtractor: TimestampExtractor | undefined;
  readonly offsetReset: OffsetReset | undefined;
  readonly name: string | undefined;
}

function make<K, V>(fields: ConsumedFields<K, V>): Consumed<K, V> {
  return Object.freeze({
    ...fields,
    withKeySerde: <K2>(serde: Serde<K2>) => make<K2, V>({ ...fields, keySerde: serde }),
    withValueSerde: <V2>(serde: Serde<V2>) => make<K, V2>({ ...fields, valueSerde: serde }),
    withTimestampExtractor: (extractor: TimestampExtractor) => make({ ...fields, timestampExtractor: extractor }),
    withOffsetResetPolicy: (reset: OffsetReset) => make({ ...fields, offsetReset: reset }),
    withName: (name: string) => make({ ...fields, name: checkName(name, 'Consumed') }),
  });
}

const EMPTY = { keySerde: undefined, valueSerde: undefined, timestampExtractor: undefined, offsetReset: undefined, name: undefined };

export const Consumed = Object.freeze({
  with<K, V>(keySerde: Serde<K> | undefined, valueSerde: Serde<V> | undefined): Consumed<K, V> {
    return make<K, V>({ ...EMPTY, keySerde, valueSerde });
  },
  as<K = unknown, V = unknown>(name: string): Consumed<K, V> {
    return make<K, V>({ ...EMPTY, name: checkName(name, 'Consumed') });
  },
  withTimestampExtractor<K = unknown, V = unknown>(extractor: TimestampExtractor): Consumed<K, V> {
    return make<K, V>({ ...EMPTY, timestampExtractor: extractor });
  },
  withOffsetResetPolicy<K = unknown, V = unknown>(reset: OffsetReset): Consumed<K, V> {
    return make<K, V>({ ...EMPTY, offsetReset: reset });
  },
});
