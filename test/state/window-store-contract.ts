/**
 * The contract every window store keeps, whatever its backend and layers, as Kafka
 * Streams' `AbstractWindowBytesStoreTest`. Each backend's test file registers it; it runs
 * bare and with caching, logging, or both.
 */

import { after, afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

import { isKstError } from '../../common/errors.ts';
import { Serdes } from '../../schemas/serdes/serdes.ts';
import type { WindowBytesStoreSupplier } from '../../state/api/segmented-bytes-store.ts';
import type { CacheFlushEntry } from '../../state/api/timestamped.ts';
import type { Windowed } from '../../state/api/windowed.ts';
import type { MeteredWindowStore } from '../../state/internals/metered-window-store.ts';
import { Stores } from '../../state/stores.ts';
import { LAYERS } from './key-value-store-contract.ts';
import { collect, tempDir, testContext, type TestContext } from './support.ts';

type Store = MeteredWindowStore<string, string>;
type WindowSupplier = (name: string, retentionMs: number, windowSizeMs: number, retainDuplicates: boolean) => WindowBytesStoreSupplier;

export const SIZE = 10_000;
/** Two minutes: segments of one minute, the smallest Kafka Streams makes. */
export const RETENTION = 120_000;
const MINUTE = 60_000;

const flat = (entries: ReadonlyArray<{ key: Windowed<string>; value: string }>) =>
  entries.map(({ key, value }) => `${key.key}@${key.window.start}-${key.window.end}=${value}`);

export function windowStoreContract(backend: string, supplier: WindowSupplier): void {
  for (const layers of LAYERS) {
    describe(`${backend} window store (${layers.label})`, () => {
      const dir = tempDir();
      let context: TestContext;
      let store: Store;

      const open = async (retainDuplicates = false, name = 'win'): Promise<Store> => {
        let builder = Stores.windowStoreBuilder(supplier(name, RETENTION, SIZE, retainDuplicates), Serdes.String(), Serdes.String());
        builder = layers.caching ? builder.withCachingEnabled() : builder.withCachingDisabled();
        builder = layers.logging ? builder.withLoggingEnabled() : builder.withLoggingDisabled();
        const built = builder.build();
        await built.init(context);
        return built;
      };

      beforeEach(async () => {
        context = testContext(dir.path);
        store = await open();
      });
      afterEach(async () => {
        if (store.isOpen()) await store.close();
        dir.remove();
      });
      after(() => dir.remove());

      test('put and fetch by key and window start; overwrite; null deletes; flushed or not', async () => {
        store.put('a', '1', 0);
        store.put('a', '2', SIZE);
        assert.equal(await store.fetch('a', 0), '1');
        assert.equal(await store.fetch('a', 5), undefined);
        await store.flush();
        store.put('a', '1b', 0);
        store.put('a', null, SIZE);
        assert.equal(await store.fetch('a', 0), '1b');
        assert.equal(await store.fetch('a', SIZE), undefined);
        await store.flush();
        assert.equal(await store.fetch('a', 0), '1b');
        assert.equal(await store.fetch('a', SIZE), undefined);
        assert.equal(await store.fetch('missing', 0), undefined);
      });

      test('fetchRange: one key, start in [from, to] inclusive, by start; keys that extend it stay out', async () => {
        for (const start of [0, 5_000, 10_000, 70_000]) store.put('a', `a${start}`, start);
        store.put('a\u0000', 'nul', 5_000);
        store.put('ab', 'ab', 5_000);
        store.put('', 'empty', 5_000);
        const starts = async (key: string, from: number, to: number) => (await collect(store.fetchRange(key, from, to))).map((entry) => `${entry.key}=${entry.value}`);
        assert.deepEqual(await starts('a', 0, 70_000), ['0=a0', '5000=a5000', '10000=a10000', '70000=a70000']);
        await store.flush();
        store.put('a', 'a20000', 20_000);
        assert.deepEqual(await starts('a', 5_000, 20_000), ['5000=a5000', '10000=a10000', '20000=a20000']);
        assert.deepEqual(await starts('a', 6_000, 9_000), []);
        assert.deepEqual(await starts('a', 9_000, 6_000), []);
        assert.deepEqual(await starts('a\u0000', 0, 100_000), ['5000=nul']);
        assert.deepEqual(await starts('', 0, 100_000), ['5000=empty']);
      });

      test('fetchKeyRange, fetchAll and all: by key bytes then start, windows [start, start + size)', async () => {
        store.put('b', 'b0', 0);
        store.put('a', 'a60', 60_000);
        store.put('c', 'c10', 10_000);
        await store.flush();
        store.put('a', 'a0', 0);
        store.put('B', 'B20', 20_000);
        store.put('b', null, 0);
        store.put('b', 'b70', 70_000);
        assert.deepEqual(flat(await collect(store.all())), ['B@20000-30000=B20', 'a@0-10000=a0', 'a@60000-70000=a60', 'b@70000-80000=b70', 'c@10000-20000=c10']);
        assert.deepEqual(flat(await collect(store.fetchAll(10_000, 60_000))), ['B@20000-30000=B20', 'a@60000-70000=a60', 'c@10000-20000=c10']);
        assert.deepEqual(flat(await collect(store.fetchKeyRange('a', 'b', 0, 100_000))), ['a@0-10000=a0', 'a@60000-70000=a60', 'b@70000-80000=b70']);
        assert.deepEqual(flat(await collect(store.fetchKeyRange('b', undefined, 0, 65_000))), ['c@10000-20000=c10']);
        assert.deepEqual(flat(await collect(store.fetchKeyRange('bb', 'c', 0, 5_000))), []);
        assert.deepEqual(flat(await collect(store.fetchKeyRange(undefined, 'a', 0, 0))), ['a@0-10000=a0']);
      });

      test('retention follows stream time: expired puts are dropped and counted, expired windows unseen', async () => {
        store.put('a', 'old', 0);
        store.put('a', 'mid', 60_000);
        await store.flush();
        store.put('a', 'new', 180_000);
        // Stream time 180 000, retention 120 000: starts at or before 60 000 are expired.
        assert.equal(await store.fetch('a', 0), undefined);
        assert.equal(await store.fetch('a', 60_000), undefined);
        store.put('a', 'late', 60_000);
        store.put('b', 'late', 1_000);
        store.put('b', 'live', 60_001);
        assert.equal(store.droppedRecords, 2);
        assert.deepEqual((await collect(store.fetchRange('a', 0, 200_000))).map((entry) => entry.value), ['new']);
        await store.flush();
        assert.deepEqual(flat(await collect(store.all())), ['a@180000-190000=new', 'b@60001-70001=live']);
        assert.equal(store.droppedRecords, 2);
        assert.match(await context.metricsRegistry.metrics(), /kstreams_state_store_dropped_records_total\{store="win",task="0_3",backend="[a-z-]+"\} 2/);
        if (store.persistent) {
          // Whole segments go: the one of minute 0 is deleted from disk; minute 1 still holds a live window.
          const segments = readdirSync(join(context.stateDir, 'win')).sort();
          assert.deepEqual(segments, ['win.180000', 'win.60000']);
        }
      });

      test('retainDuplicates: every put adds an entry, in put order; null puts are ignored', async () => {
        await store.close();
        store = await open(true, 'dups');
        store.put('k', 'first', 1_000);
        store.put('k', 'second', 1_000);
        await store.flush();
        store.put('k', 'third', 1_000);
        store.put('k', null, 1_000);
        store.put('k', 'other', 2_000);
        assert.deepEqual((await collect(store.fetchRange('k', 0, 5_000))).map((entry) => `${entry.key}=${entry.value}`), ['1000=first', '1000=second', '1000=third', '2000=other']);
        assert.equal(await store.fetch('k', 1_000), 'first');
        if (layers.logging) {
          const keys = context.changelog.records.map((record) => record.keyBytes);
          assert.ok(keys.every((key) => key.length === 1 + 8 + 4), 'changelog keys carry a 4-byte sequence number');
          assert.equal(new Set(keys.map((key) => key.toString('hex'))).size, 4);
        }
      });

      test('after prefetch, fetches of those keys in that time span answer synchronously', async () => {
        store.put('a', 'a0', 0);
        store.put('a', 'a60', 60_000);
        store.put('b', 'b10', 10_000);
        await store.flush();
        await store.close();
        store = await open();
        const kept = store.persistent;
        await store.prefetch(['a', 'b', 'none'], 0, 100_000);
        for (const [key, start, value] of [['a', 0, 'a0'], ['a', 60_000, 'a60'], ['a', 5, undefined], ['b', 10_000, 'b10'], ['none', 0, undefined]] as const) {
          const got = store.fetch(key, start);
          assert.ok(!(got instanceof Promise), `fetch(${key}, ${start}) returned a promise after prefetch`);
          assert.equal(got, kept ? value : undefined);
        }
        store.put('a', 'a0b', 0);
        store.put('none', 'n', 20_000);
        await store.flush();
        for (const [key, start, value] of [['a', 0, 'a0b'], ['none', 20_000, 'n']] as const) {
          const got = store.fetch(key, start);
          assert.ok(!(got instanceof Promise));
          assert.equal(got, value);
        }
        assert.deepEqual((await collect(store.fetchRange('a', 0, 100_000))).map((entry) => entry.value), kept ? ['a0b', 'a60'] : ['a0b']);
      });

      test('a prefetch of fixed window starts reads them as points: those fetches answer synchronously', async () => {
        store.put('a', 'a0', 0);
        store.put('a', 'a60', 60_000);
        store.put('b', 'b10', 10_000);
        await store.flush();
        await store.close();
        store = await open();
        const kept = store.persistent;
        // Starts every 10 s in [0, 60 000]: 7 points per key.
        await store.prefetch(['a', 'b', 'none'], 0, 60_000, 10_000);
        for (const [key, start, value] of [['a', 0, 'a0'], ['a', 60_000, 'a60'], ['a', 30_000, undefined], ['b', 10_000, 'b10'], ['none', 0, undefined]] as const) {
          const got = store.fetch(key, start);
          assert.ok(!(got instanceof Promise), `fetch(${key}, ${start}) returned a promise after prefetch`);
          assert.equal(got, kept ? value : undefined);
        }
        // A start off the grid was not read: it still answers, from the store.
        assert.equal(await store.fetch('a', 5), undefined);
      });

      test('flushed and closed stores keep their windows when persistent', async () => {
        store.put('a', 'kept', 60_000);
        await store.flush();
        store.put('b', 'unflushed', 70_000);
        await store.close();
        store = await open();
        const kept = store.persistent;
        assert.equal(await store.fetch('a', 60_000), kept ? 'kept' : undefined);
        assert.equal(await store.fetch('b', 70_000), kept ? 'unflushed' : undefined);
        // Stream time is at least the newest segment's start after reopening: older windows stay expired.
        store.put('c', 'late', 0);
        assert.equal(store.droppedRecords, 0);
      });

      test('restoreBatch rebuilds the store from the records the logging layer wrote, without logging them again', async () => {
        const source = Stores.windowStoreBuilder(Stores.inMemoryWindowStore('win', RETENTION, SIZE, false), Serdes.String(), Serdes.String()).withCachingDisabled().build();
        const sourceContext = testContext(dir.path);
        await source.init(sourceContext);
        source.put('a', '1', 0);
        source.put('b', '2', 10_000);
        source.put('a', '1b', 0);
        source.put('b', null, 10_000);
        source.put('c', '3', 70_000);
        const records = sourceContext.changelog.records.map((record) => ({ key: record.keyBytes, value: record.valueBytes, timestamp: record.timestamp }));
        assert.equal(records[0]?.key.toString('hex'), Buffer.concat([Buffer.from('a'), Buffer.alloc(8)]).toString('hex'));
        store.put('b', 'before', 10_000);
        await store.flush();
        context.changelog.clear();
        await store.restoreBatch(records);
        await store.flush();
        assert.deepEqual(flat(await collect(store.all())), ['a@0-10000=1b', 'c@70000-80000=3']);
        assert.deepEqual(context.changelog.records, []);
        assert.equal(store.changelogTopic, layers.logging ? 'app-win-changelog' : undefined);
        await source.close();
      });

      test('the flush listener gets windowed keys when cached; no cache, no listener', async () => {
        const flushed: Array<CacheFlushEntry<Windowed<string>, string>> = [];
        const listening = store.setFlushListener((entries) => void flushed.push(...entries), true);
        assert.equal(listening, layers.caching);
        context.setTime(7_000);
        store.put('a', '1', 0);
        store.put('a', '2', 0);
        store.put('b', '3', MINUTE);
        await store.flush();
        if (!layers.caching) return;
        assert.deepEqual(flushed.map((entry) => ({ key: entry.key, newValue: entry.newValue, oldValue: entry.oldValue, timestamp: entry.timestamp })), [
          { key: { key: 'a', window: { start: 0, end: SIZE } }, newValue: '2', oldValue: undefined, timestamp: 7_000 },
          { key: { key: 'b', window: { start: MINUTE, end: MINUTE + SIZE } }, newValue: '3', oldValue: undefined, timestamp: 7_000 },
        ]);
        flushed.length = 0;
        store.put('a', null, 0);
        await store.flush();
        assert.deepEqual(flushed.map((entry) => [entry.key.key, entry.newValue, entry.oldValue]), [['a', undefined, '2']]);
      });

      test('a closed store refuses to be used; bad window starts are refused', async () => {
        assert.throws(() => store.put('a', '1', -1), (error) => isKstError(error, 'KST_STORE_WINDOWED_KEY_INVALID'));
        assert.throws(() => store.put(null as unknown as string, '1', 0), (error) => isKstError(error, 'KST_STORE_NULL_KEY'));
        await store.close();
        assert.throws(() => store.put('a', '1', 0), (error) => isKstError(error, 'KST_STORE_NOT_OPEN'));
        assert.throws(() => store.fetch('a', 0), (error) => isKstError(error, 'KST_STORE_NOT_OPEN'));
      });
    });
  }
}
