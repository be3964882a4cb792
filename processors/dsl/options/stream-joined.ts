/**
 * `StreamJoined`: options of a stream-stream join, as Kafka Streams' `StreamJoined`: the
 * serdes of the key and both values (for the window stores and any repartition topics),
 * a name for the join's processors and repartition topics (`<name>-left-repartition`,
 * `<name>-this-join`, …), a base name for its stores (`<storeName>-this-join-store`, …),
 * the stores' backend and their change-logging.
 *
 * @example
 * ```ts
 * clicks.join(views, (click, view) => ({ click, view }), JoinWindows.ofTimeDifferenceWithNoGrace(60_000),
 *   StreamJoined.with(Serdes.String(), clickSerde, viewSerde).withName('click-view').withStoreName('click-view'));
 * ```
 */

import type { Serde } from '../../../schemas/serdes/serde.ts';
import type { DslStoreType } from './materialized.ts';
import { checkName } from './named.ts';

export interface StreamJoined<K, V, VO> {
  readonly keySerde: Serde<K> | undefined;
  readonly valueSerde: Serde<V> | undefined;
  readonly otherValueSerde: Serde<VO> | undefined;
  readonly name: string | undefined;
  readonly storeName: string | undefined;
  readonly storeType: DslStoreType | undefined;
  readonly loggingEnabled: boolean;
  readonly logConfig: Readonly<Record<string, string>>;
  withKeySerde(serde: Serde<K>): StreamJoined<K, V, VO>;
  withValueSerde(serde: Serde<V>): StreamJoined<K, V, VO>;
  withOtherValueSerde(serde: Serde<VO>): StreamJoined<K, V, VO>;
  withName(name: string): StreamJoined<K, V, VO>;
  withStoreName(storeName: string): StreamJoined<K, V, VO>;
  withStoreType(type: DslStoreType): StreamJoined<K, V, VO>;
  withLoggingEnabled(config?: Readonly<Record<string, string>>): StreamJoined<K, V, VO>;
  withLoggingDisabled(): StreamJoined<K, V, VO>;
}

type Fields<K, V, VO> = Pick<StreamJoined<K, V, VO>, 'keySerde' | 'valueSerde' | 'otherValueSerde' | 'name' | 'storeName' | 'storeType' | 'loggingEnabled' | 'logConfig'>;

function make<K, V, VO>(fields: Fields<K, V, VO>): StreamJoined<K, V, VO> {
  return Object.freeze({
    ...fields,
    withKeySerde: (serde: Serde<K>) => make({ ...fields, keySerde: serde }),
    withValueSerde: (serde: Serde<V>) => make({ ...fields, valueSerde: serde }),
    withOtherValueSerde: (serde: Serde<VO>) => make({ ...fields, otherValueSerde: serde }),
    withName: (name: string) => make({ ...fields, name: checkName(name, 'StreamJoined') }),
    withStoreName: (storeName: string) => make({ ...fields, storeName: checkName(storeName, 'StreamJoined store') }),
    withStoreType: (type: DslStoreType) => make({ ...fields, storeType: type }),
    withLoggingEnabled: (config: Readonly<Record<string, string>> = {}) => make({ ...fields, loggingEnabled: true, logConfig: Object.freeze({ ...config }) }),
    withLoggingDisabled: () => make({ ...fields, loggingEnabled: false, logConfig: Object.freeze({}) }),
  });
}

const EMPTY = {
  keySerde: undefined, valueSerde: undefined, otherValueSerde: undefined, name: undefined, storeName: undefined,
  storeType: undefined, loggingEnabled: true, logConfig: Object.freeze({}),
};

export const StreamJoined = Object.freeze({
  with<K, V, VO>(keySerde: Serde<K> | undefined, valueSerde: Serde<V> | undefined, otherValueSerde: Serde<VO> | undefined): StreamJoined<K, V, VO> {
    return make<K, V, VO>({ ...EMPTY, keySerde, valueSerde, otherValueSerde });
  },
  /** A base name for the join's stores. */
  as<K = unknown, V = unknown, VO = unknown>(storeName: string): StreamJoined<K, V, VO> {
    return make<K, V, VO>({ ...EMPTY, storeName: checkName(storeName, 'StreamJoined store') });
  },
});

/** What the DSL uses when a join was given no `StreamJoined`. */
export function defaultStreamJoined<K, V, VO>(): StreamJoined<K, V, VO> {
  return make<K, V, VO>(EMPTY);
}
