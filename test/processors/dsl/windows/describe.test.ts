/**
 * Pins `describe()` of windowed topologies to snapshot files, named as Kafka Streams
 * names them (`KSTREAM-AGGREGATE-…`, `KTABLE-SUPPRESS-…`, `…-STATE-STORE-…`), and the
 * internal topics they need. Regenerate with `UPDATE_SNAPSHOTS=1` and read the diff.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { BufferConfig, EmitStrategy, Grouped, Materialized, Named, SessionWindows, SlidingWindows, Suppressed, TimeWindows, type Topology } from '../../../../processors/dsl/index.ts';
import { S, builder } from './support.ts';

function matchesSnapshot(name: string, topology: Topology): void {
  const folder = new URL('./__snapshots__/', import.meta.url);
  mkdirSync(folder, { recursive: true });
  const file = new URL(`${name}.txt`, folder);
  const actual = topology.describe().toString();
  if (process.env['UPDATE_SNAPSHOTS'] === '1' || !existsSync(file)) writeFileSync(file, actual);
  assert.equal(actual, readFileSync(file, 'utf8'));
}

test('a windowed count after a key change, with final results', () => {
  const b = builder();
  b.stream<string, string>('clicks').groupBy((_k, v) => v, Grouped.with(S, S))
    .windowedBy(TimeWindows.ofSizeAndGrace(60_000, 10_000).advanceBy(30_000))
    .count()
    .suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded()))
    .toStream().to('clicks-per-minute');
  const topology = b.build();
  matchesSnapshot('windowed-count-suppressed', topology);
  const topics = Object.fromEntries(topology.plan().internalTopics.map((topic) => [topic.name, topic.configs]));
  assert.deepEqual(Object.keys(topics).sort(), [
    'KSTREAM-AGGREGATE-STATE-STORE-0000000002-changelog',
    'KSTREAM-AGGREGATE-STATE-STORE-0000000002-repartition',
    'KTABLE-SUPPRESS-STATE-STORE-0000000008-changelog',
  ]);
  // Windowed changelogs are compacted and deleted, kept a day past the store's retention.
  assert.equal(topics['KSTREAM-AGGREGATE-STATE-STORE-0000000002-changelog']?.['cleanup.policy'], 'compact,delete');
  assert.equal(topics['KSTREAM-AGGREGATE-STATE-STORE-0000000002-changelog']?.['retention.ms'], String(70_000 + 86_400_000));
  assert.equal(topics['KTABLE-SUPPRESS-STATE-STORE-0000000008-changelog']?.['cleanup.policy'], 'compact');
});

test('session and sliding aggregations, named, one emitting on close', () => {
  const b = builder();
  const grouped = b.stream<string, string>('page-views').groupByKey();
  grouped.windowedBy(SessionWindows.ofInactivityGapWithNoGrace(1_800_000))
    .reduce((a, v) => a + v, Named.as('visits'), Materialized.as('visits-store'))
    .toStream().to('visits');
  grouped.windowedBy(SlidingWindows.ofTimeDifferenceAndGrace(10_000, 1_000))
    .emitStrategy(EmitStrategy.onWindowClose())
    .aggregate(() => '', (_k, v, agg) => agg + v)
    .suppress(Suppressed.untilTimeLimit(5_000, BufferConfig.maxRecords(100)).withName('throttle'))
    .toStream().to('recent');
  matchesSnapshot('session-and-sliding', b.build());
});
