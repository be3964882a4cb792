/**
 * Name prefixes, as Kafka Streams' `KStreamImpl`, `KTableImpl`, `KGroupedStreamImpl` and
 * `KGroupedTableImpl` spell them, so that a topology described here reads like the same
 * topology described by Kafka Streams. Processor and store names share one counter.
 */

export const PREFIX = Object.freeze({
  SOURCE: 'KSTREAM-SOURCE-',
  SINK: 'KSTREAM-SINK-',
  FILTER: 'KSTREAM-FILTER-',
  MAP: 'KSTREAM-MAP-',
  MAPVALUES: 'KSTREAM-MAPVALUES-',
  FLATMAP: 'KSTREAM-FLATMAP-',
  FLATMAPVALUES: 'KSTREAM-FLATMAPVALUES-',
  KEY_SELECT: 'KSTREAM-KEY-SELECT-',
  PEEK: 'KSTREAM-PEEK-',
  FOREACH: 'KSTREAM-FOREACH-',
  BRANCH: 'KSTREAM-BRANCH-',
  MERGE: 'KSTREAM-MERGE-',
  REPARTITION: 'KSTREAM-REPARTITION-',
  PROCESSOR: 'KSTREAM-PROCESSOR-',
  PROCESSVALUES: 'KSTREAM-PROCESSVALUES-',
  TOTABLE: 'KSTREAM-TOTABLE-',
  STREAM_AGGREGATE: 'KSTREAM-AGGREGATE-',
  STREAM_REDUCE: 'KSTREAM-REDUCE-',
  TABLE_SOURCE: 'KTABLE-SOURCE-',
  TABLE_FILTER: 'KTABLE-FILTER-',
  TABLE_MAPVALUES: 'KTABLE-MAPVALUES-',
  TABLE_TOSTREAM: 'KTABLE-TOSTREAM-',
  TABLE_SELECT: 'KTABLE-SELECT-',
  TABLE_AGGREGATE: 'KTABLE-AGGREGATE-',
  TABLE_REDUCE: 'KTABLE-REDUCE-',
});

export const STATE_STORE = 'STATE-STORE-';
export const REPARTITION_SUFFIX = '-repartition';
export const CHANGELOG_SUFFIX = '-changelog';

export function counterName(prefix: string, index: number): string {
  return prefix + String(index).padStart(10, '0');
}

export function repartitionTopicName(prefix: string): string {
  return prefix.endsWith(REPARTITION_SUFFIX) ? prefix : prefix + REPARTITION_SUFFIX;
}

/** Kafka's test for a generated name: then the repartition nodes keep their generated names. */
export function isGeneratedName(name: string): boolean {
  return /^KSTREAM.*-[0-9]{10}$/.test(name);
}

export function changelogTopicName(storeName: string): string {
  return storeName + CHANGELOG_SUFFIX;
}
