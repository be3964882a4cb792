/**
 * Name prefixes and suffixes of joins, as Kafka Streams' `KStreamImpl`, `KTableImpl` and
 * `KStreamImplJoin` spell them, so a described join reads as Kafka describes it. They
 * share the builder's one counter with every other generated name.
 */

export const JOIN_PREFIX = Object.freeze({
  JOIN: 'KSTREAM-JOIN-',
  LEFTJOIN: 'KSTREAM-LEFTJOIN-',
  WINDOWED: 'KSTREAM-WINDOWED-',
  JOINTHIS: 'KSTREAM-JOINTHIS-',
  JOINOTHER: 'KSTREAM-JOINOTHER-',
  OUTERTHIS: 'KSTREAM-OUTERTHIS-',
  OUTEROTHER: 'KSTREAM-OUTEROTHER-',
  OUTERSHARED: 'KSTREAM-OUTERSHARED-',
  MERGE: 'KSTREAM-MERGE-',
  TABLE_SOURCE: 'KTABLE-SOURCE-',
  TABLE_JOINTHIS: 'KTABLE-JOINTHIS-',
  TABLE_JOINOTHER: 'KTABLE-JOINOTHER-',
  TABLE_MERGE: 'KTABLE-MERGE-',
  FK_JOIN: 'KTABLE-FK-JOIN-',
  FK_JOIN_OUTPUT: 'KTABLE-FK-JOIN-OUTPUT-',
  SUBSCRIPTION_REGISTRATION: 'KTABLE-FK-JOIN-SUBSCRIPTION-REGISTRATION-',
  SUBSCRIPTION_RESPONSE: 'KTABLE-FK-JOIN-SUBSCRIPTION-RESPONSE-',
  SUBSCRIPTION_PROCESSOR: 'KTABLE-FK-JOIN-SUBSCRIPTION-PROCESSOR-',
  SUBSCRIPTION_RESPONSE_RESOLVER: 'KTABLE-FK-JOIN-SUBSCRIPTION-RESPONSE-RESOLVER-PROCESSOR-',
  SUBSCRIPTION_STATE_STORE: 'KTABLE-FK-JOIN-SUBSCRIPTION-STATE-STORE-',
});

/** Kafka's `NamedInternal.suffixWithOrElseGet`: the user's name plus a suffix, else a generated name. */
export function suffixedOr(name: string | undefined, suffix: string, generate: () => string): string {
  return name === undefined ? generate() : name + suffix;
}
