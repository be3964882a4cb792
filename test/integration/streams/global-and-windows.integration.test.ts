/**
 * Acceptance: a global table and a tumbling windowed count, 2 processes, exactly_once_v2.
 * (a) Order lines (2 partitions) are enriched from a global products table (3 partitions)
 * through a key selector: every instance holds the whole table, lines see the rows there
 * when they are processed, and a later update of the global topic (changes, a new row, a
 * deletion) is what later lines see. (b) Clicks with out-of-order and late timestamps are
 * counted per 10 s window with 5 s grace: the final count per window, read back with
 * Kafka's time-windowed key serde, is exactly what Kafka's rule gives (a record is dropped
 * when its window end plus grace is at or before the task's stream time).
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { uniqueName } from '../../support/names.ts';
import { type GlobalWindowTopics } from '../../fixtures/apps/join-topologies.ts';
import type { ProducerRecord } from '../../../processors/kafka/index.ts';
import { Serdes } from '../../../schemas/serdes/serdes.ts';
import { WindowedSerdes } from '../../../processors/dsl/index.ts';
import type { ChildApp } from './support/child-app.ts';
import { StreamsHarness } from './support/harness.ts';
import { produceAll, readToEnd } from './support/kafka-io.ts';
import { lastActiveTasks, sharing } from './support/reports.ts';
import { assertSameMultiset, decodeStrings, stringRecord, triple } from './support/string-records.ts';

const APP = new URL('../../fixtures/apps/global-window-app.ts', import.meta.url).pathname;
const PARTITIONS = { lines: 2, catalog: 3, clicks: 2, output: 3 } as const;
const SIZE_MS = 10_000;
const GRACE_MS = 5_000;
const LINES_PER_PHASE = 200;
const CLICKS_PER_PARTITION = 150;
const SENTINELS = [0, 1, 2].map((p) => `sentinel-${p}`);

type Catalog = Map<string, string>;

/** Phase 1: p0..p7. Phase 2: p0..p3 renamed, p8 added, p5 deleted; p9 never exists. */
function catalogPhases(): { first: Catalog; second: Catalog; updates: Array<[string, string | null]> } {
  const first: Catalog = new Map();
  for (let p = 0; p < 8; p++) first.set(`p${p}`, `product-${p}-v1`);
  const updates: Array<[string, string | null]> = [['p0', 'product-0-v2'], ['p1', 'product-1-v2'], ['p2', 'product-2-v2'], ['p3', 'product-3-v2'], ['p8', 'product-8-v2'], ['p5', null]];
  const second = new Map(first);
  for (const [id, name] of updates) {
    if (name === null) second.delete(id);
    else second.set(id, name);
  }
  return { first, second, updates };
}

function lines(topic: string, from: number, base: number): Array<{ id: string; line: string; ts: number; record: ProducerRecord }> {
  const out = [];
  for (let i = from; i < from + LINES_PER_PHASE; i++) {
    const id = `l${i}`;
    const line = `p${(i * 7) % 10}:${1 + (i % 4)}`;
    const ts = base + i * 10;
    out.push({ id, line, ts, record: stringRecord(topic, id, line, ts) });
  }
  return out;
}

/** Kafka's global-table inner join: the row of the selected key as the line is processed; no row, no result. */
function expectedEnriched(phase: ReturnType<typeof lines>, catalog: Catalog): string[] {
  return phase.flatMap(({ id, line, ts }) => {
    const product = catalog.get(line.split(':')[0] ?? '');
    return product === undefined ? [] : [triple(id, `${id}:${line}=${product}`, ts)];
  });
}

/**
 * Clicks of one partition, in the order produced: a rising timeline with some records
 * a little out of order (kept, within grace) and some far behind (dropped as late).
 */
function clicks(topic: string, partition: number, base: number): Array<{ key: string; ts: number; record: ProducerRecord }> {
  const out = [];
  for (let i = 0; i < CLICKS_PER_PARTITION; i++) {
    const key = `u${(i % 3) * 2 + partition}`;
    const r = (i * 7919 + partition * 13) % 11;
    const delta = r === 0 ? -9_000 : r === 1 ? -20_000 : r === 2 ? -3_000 : r === 3 ? -12_500 : 0;
    const ts = Math.max(base, base + i * 400 + delta);
    out.push({ key, ts, record: stringRecord(topic, key, `click-${i}`, ts, partition) });
  }
  return out;
}

/** Kafka's tumbling count with grace, per task (one partition each): stream time is the largest timestamp seen so far. */
function expectedCounts(partitions: ReadonlyArray<ReturnType<typeof clicks>>): { counts: Map<string, number>; dropped: number; outOfOrder: number } {
  const counts = new Map<string, number>();
  let dropped = 0;
  let outOfOrder = 0;
  for (const records of partitions) {
    let streamTime = -1;
    for (const { key, ts } of records) {
      if (ts < streamTime) outOfOrder += 1;
      streamTime = Math.max(streamTime, ts);
      const start = ts - (ts % SIZE_MS);
      if (start + SIZE_MS + GRACE_MS <= streamTime) {
        dropped += 1;
        continue;
      }
      const window = `${key}@[${start},${start + SIZE_MS})`;
      counts.set(window, (counts.get(window) ?? 0) + 1);
    }
  }
  return { counts, dropped, outOfOrder };
}

const watchedEverywhere = (apps: readonly ChildApp[], value: string, from: readonly number[]): boolean =>
  apps.every((app, i) => SENTINELS.every((key) => app.matching(new RegExp(`^WATCH ${key} ${value}$`), from[i]).length > 0));

test('exactly_once_v2, 2 processes: global-table enrichment follows the global topic; tumbling counts with grace drop exactly the late records', { timeout: 90_000 }, async (t) => {
  const h = new StreamsHarness('global-windows');
  t.after(() => h.close());
  const appId = uniqueName('kst-it-gw');
  const topics: GlobalWindowTopics = {
    lines: uniqueName('kst-it-gw-lines'),
    catalog: uniqueName('kst-it-gw-catalog'),
    enriched: uniqueName('kst-it-gw-enriched'),
    clicks: uniqueName('kst-it-gw-clicks'),
    windowCounts: uniqueName('kst-it-gw-counts'),
  };
  await h.createTopics([topics.lines], PARTITIONS.lines);
  await h.createTopics([topics.catalog], PARTITIONS.catalog);
  await h.createTopics([topics.clicks], PARTITIONS.clicks);
  await h.createTopics([topics.enriched, topics.windowCounts], PARTITIONS.output);

  const base = Math.floor(Date.now() / SIZE_MS) * SIZE_MS - 10 * 60_000;
  const catalog = catalogPhases();
  const sentinels = (round: string, ts: number): ProducerRecord[] => SENTINELS.map((key, p) => stringRecord(topics.catalog, key, round, ts, p));
  // The first catalog is there before the apps start: they restore it before processing.
  await produceAll(h.producer, [...[...catalog.first].map(([id, name], i) => stringRecord(topics.catalog, id, name, base - 60_000 + i)), ...sentinels('round-1', base - 50_000)]);

  const env = {
    KST_LINES_TOPIC: topics.lines,
    KST_CATALOG_TOPIC: topics.catalog,
    KST_ENRICHED_TOPIC: topics.enriched,
    KST_CLICKS_TOPIC: topics.clicks,
    KST_WINDOW_COUNTS_TOPIC: topics.windowCounts,
    KST_WINDOW_SIZE_MS: String(SIZE_MS),
    KST_WINDOW_GRACE_MS: String(GRACE_MS),
    KST_WATCH_KEYS: SENTINELS.join(','),
  };
  const apps = [h.app('gw-a', APP, appId, 'exactly_once_v2', env), h.app('gw-b', APP, appId, 'exactly_once_v2', env)] as const;
  for (const app of apps) app.start();
  const taskCount = PARTITIONS.lines + PARTITIONS.clicks;
  await h.until(`both processes RUNNING with a share of the ${taskCount} tasks`, () => sharing(apps, taskCount), 45_000);
  await h.until('both processes read the first catalog', () => watchedEverywhere(apps, 'round-1', [0, 0]), 15_000);
  h.log(`running: a=${JSON.stringify(lastActiveTasks(apps[0]))} b=${JSON.stringify(lastActiveTasks(apps[1]))}`);

  // Clicks, partition by partition in a fixed order: each task's stream time is known.
  const clickInput = [0, 1].map((p) => clicks(topics.clicks, p, base));
  await produceAll(h.producer, clickInput.flat().map((c) => c.record), 100);
  const firstLines = lines(topics.lines, 0, base);
  await produceAll(h.producer, firstLines.map((l) => l.record));
  await h.awaitCaughtUp(appId, [[{ topic: topics.lines, partitions: PARTITIONS.lines }, { topic: topics.clicks, partitions: PARTITIONS.clicks }]], 30_000);
  h.log(`phase 1: ${firstLines.length} lines and ${clickInput.flat().length} clicks processed`);

  // The global topic changes; both instances see it (sentinels come last in each partition) before more lines come.
  const marks = apps.map((app) => app.mark());
  await h.producer.send(catalog.updates.map(([id, name], i) => stringRecord(topics.catalog, id, name, base + 10_000 + i)));
  await h.producer.send(sentinels('round-2', base + 20_000));
  await h.until('both processes read the updated catalog', () => watchedEverywhere(apps, 'round-2', marks), 15_000);
  const secondLines = lines(topics.lines, LINES_PER_PHASE, base);
  await produceAll(h.producer, secondLines.map((l) => l.record));
  await h.awaitCaughtUp(appId, [[{ topic: topics.lines, partitions: PARTITIONS.lines }]], 30_000);
  h.log(`phase 2: ${secondLines.length} more lines processed after the catalog update`);

  const [enriched, windowed] = await Promise.all([readToEnd(h.client, topics.enriched, PARTITIONS.output), readToEnd(h.client, topics.windowCounts, PARTITIONS.output)]);

  const expected = [...expectedEnriched(firstLines, catalog.first), ...expectedEnriched(secondLines, catalog.second)];
  const actual = decodeStrings(enriched.records).map((r) => triple(r.key, r.value, r.timestamp));
  h.log(`enriched: ${actual.length} records, expected ${expected.length}`);
  assertSameMultiset(actual, expected, 'global-table join');

  const keySerde = WindowedSerdes.timeWindowedSerdeFrom(Serdes.String(), SIZE_MS);
  const L = Serdes.Long();
  const finalCounts = new Map<string, number>();
  for (const record of windowed.records) {
    const key = keySerde.deserialize(record.topic, record.key);
    assert.ok(key !== null, 'windowed counts have keys');
    assert.equal(key.window.end - key.window.start, SIZE_MS, 'tumbling windows span the size');
    finalCounts.set(`${key.key as string}@[${key.window.start},${key.window.end})`, L.deserialize(record.topic, record.value) as number);
  }
  const want = expectedCounts(clickInput);
  h.log(`windowed counts: ${windowed.records.length} updates of ${finalCounts.size} windows (expected ${want.counts.size}); ${want.outOfOrder} clicks out of order, ${want.dropped} late`);
  assert.ok(want.dropped > 10 && want.outOfOrder > want.dropped + 10, 'the input has late records and out-of-order records within grace');
  const sorted = (m: ReadonlyMap<string, number>): Array<[string, number]> => [...m].sort(([a], [b]) => a.localeCompare(b));
  assert.deepEqual(sorted(finalCounts), sorted(want.counts), 'final count per window');

  const closed = await Promise.all(apps.map((app) => app.stop()));
  assert.deepEqual(closed, [true, true], 'both processes close cleanly on SIGTERM');
  h.passed();
});
