/**
 * The functions joins take, as Kafka Streams' `ValueJoinerWithKey` and the foreign-key
 * extractor of `KTable.join`. The key comes last, as in `ValueMapper`, so that
 * `(order, customer) => …` reads naturally and the key is there when needed.
 *
 * @example
 * ```ts
 * const enrich: ValueJoiner<Order, Customer | null, EnrichedOrder, string> =
 *   (order, customer, orderId) => ({ ...order, orderId, customerName: customer?.name ?? 'unknown' });
 * ```
 */

/** Combines the two sides' values; on outer sides the missing one is null. */
export type ValueJoiner<V1, V2, VR, K = unknown> = (value1: V1, value2: V2, key: K) => VR;

/** The key of the other table a row refers to (Kafka's foreign-key extractor); null or undefined refers to none. */
export type ForeignKeyExtractor<K, V, KO> = (value: V, key: K) => KO | null | undefined;
