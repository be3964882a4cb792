/**
 * The user functions the DSL takes, named after Kafka Streams' functional interfaces so
 * that topology code reads the same. Plain function types: a lambda is all a TypeScript
 * user wants to write.
 *
 * @example
 * ```ts
 * const isLarge: Predicate<string, Order> = (_key, order) => order.total > 100;
 * const byCustomer: KeyValueMapper<string, Order, string> = (_key, order) => order.customerId;
 * ```
 */

import type { Awaitable } from '../../common/awaitable.ts';

/** A key and a value, as Kafka Streams' `KeyValue`; what `map`, `flatMap` and `KTable.groupBy` return. */
export interface KeyValue<K, V> {
  readonly key: K;
  readonly value: V;
}

/**
 * Builds a {@link KeyValue}.
 *
 * @example
 * ```ts
 * stream.map((key, value) => keyValue(value.id, { ...value, key }));
 * ```
 */
export function keyValue<K, V>(key: K, value: V): KeyValue<K, V> {
  return { key, value };
}

export type Predicate<K, V> = (key: K, value: V) => boolean;
export type KeyValueMapper<K, V, R> = (key: K, value: V) => R;
/** The key comes second so that `mapValues((v) => …)` and `mapValues((v, k) => …)` both read naturally. */
export type ValueMapper<V, VR, K = unknown> = (value: V, key: K) => VR;
export type ForeachAction<K, V> = (key: K, value: V) => void;
export type Initializer<VA> = () => VA;
export type Aggregator<K, V, VA> = (key: K, value: V, aggregate: VA) => VA;
export type Reducer<V> = (aggregate: V, value: V) => V;

/**
 * What a KTable sends downstream for one key: the new value and, when a downstream
 * operator asked for it, the value it replaced. `null` means absent (a delete).
 */
export interface Change<V> {
  readonly newValue: V | null;
  readonly oldValue: V | null;
}

export function change<V>(newValue: V | null, oldValue: V | null): Change<V> {
  return { newValue, oldValue };
}

export type { Awaitable };
