/**
 * The contract every session store keeps, whatever its backend and layers, as Kafka
 * Streams' `AbstractSessionBytesStoreTest`. Each backend's test file registers it; it
 * runs bare and with caching, logging, or both.
 */

import { after, afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { isKstError } from '../../common/errors.ts';
import { Serdes } from '../../schemas/serdes/serdes.ts';
import type { SessionBytesStoreSupplier } from '../../state/api/segmented-bytes-store.ts';
import type { CacheFlushEntry } from '../../state/api/timestamped.ts';
import type { Windowed } from '../../state/api/windowed.ts';
import type { MeteredSessionStore } from '../../state/internals/metered-session-store.ts';
import { Stores } from '../../state/stores.ts';
import { LAYERS } from './key-value-store-contract.ts';
import { collect, tempDir, testContext, type TestContext } from './support.ts';

type Store = MeteredSessionStore<string, string>;

const RETENTION = 120_000;
const session = (key: string, start: number, end: number): Windowed<string> => ({ key, window: { start, end } });
const flat = (entries: ReadonlyArray<{ key: Windowed<string>; value: string }>) => entries.map(({ key, value }) => `${key.key}@${key.window.start}-${key.window.end}=${value}`);

export function sessionStoreContract(backend: string, supplier: (name: string, retentionMs: number) => SessionBytesStoreSupplier): void {
  for (const layers of LAYERS) {
    describe(`${backend} session store (${layers.label})`, () => {
      const dir = tempDir();
      let context: TestContext;
      let store: Store;

      const open = async (): Promise<Store> => {
        let builder = Stores.sessionStoreBuilder(supplier('sessions', RETENTION), Serdes.String(), Serdes.String());
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

      test('put, fetchSession and remove, flushed or not', async () => {
        store.put(session('a', 0, 5_000), '1');
        store.put(session('a', 10_000, 10_000), '2');
        assert.equal(await store.fetchSession('a', 0, 5_000), '1');
        assert.equal(await store.fetchSession('a', 0, 4_999), undefined);
        await store.flush();
        store.put(session('a', 0, 5_000), '1b');
        store.remove(session('a', 10_000, 10_000));
        assert.equal(await store.fetchSession('a', 0, 5_000), '1b');
        assert.equal(await store.fetchSession('a', 10_000, 10_000), undefined);
        await store.flush();
        assert.equal(await store.fetchSession('a', 0, 5_000), '1b');
        assert.equal(await store.fetchSession('a', 10_000, 10_000), undefined);
      });

      test('findSessions: sessions of the key ending at or after the earliest end and starting at or before the latest start, by start', async () => {
        store.put(session('a', 0, 1_000), 's1');
        store.put(session('a', 5_000, 8_000), 's2');
        store.put(session('a', 20_000, 20_000), 's3');
        await store.flush();
        store.put(session('a', 30_000, 40_000), 's4');
        store.put(session('a\u0000', 5_000, 8_000), 'other');
        store.put(session('b', 5_000, 8_000), 'b');
        const found = async (earliestEnd: number, latestStart: number) => (await collect(store.findSessions('a', earliestEnd, latestStart))).map((entry) => entry.value);
        assert.deepEqual(await found(0, 100_000), ['s1', 's2', 's3', 's4']);
        assert.deepEqual(await found(1_000, 20_000), ['s1', 's2', 's3']);
        assert.deepEqual(await found(1_001, 19_999), ['s2']);
        assert.deepEqual(await found(8_001, 19_999), []);
        assert.deepEqual(flat(await collect(store.fetch('a'))), ['a@0-1000=s1', 'a@5000-8000=s2', 'a@20000-20000=s3', 'a@30000-40000=s4']);
        assert.deepEqual(flat(await collect(store.fetch('a\u0000'))), ['a\u0000@5000-8000=other']);
      });

      test('retention follows the latest session end: expired sessions are dropped and unseen', async () => {
        store.put(session('a', 0, 10_000), 'old');
        store.put(session('a', 50_000, 70_000), 'live');
        await store.flush();
        store.put(session('b', 190_000, 190_000), 'new');
        // Stream time 190 000, retention 120 000: sessions ending at or before 70 000 are expired.
        store.put(session('c', 0, 70_000), 'late');
        assert.equal(store.droppedRecords, 1);
        assert.equal(await store.fetchSession('a', 0, 10_000), undefined);
        assert.deepEqual(flat(await collect(store.fetch('a'))), []);
        store.put(session('c', 60_000, 70_001), 'just');
        await store.flush();
        assert.deepEqual(flat(await collect(store.findSessions('c', 0, 200_000))), ['c@60000-70001=just']);
      });

      test('after prefetch, fetchSession of those keys answers synchronously and findSessions needs no reads', async () => {
        store.put(session('a', 0, 5_000), 'a1');
        store.put(session('a', 50_000, 60_000), 'a2');
        await store.flush();
        await store.close();
        store = await open();
        const kept = store.persistent;
        await store.prefetch(['a', 'none'], 4_000, 70_000);
        for (const [key, start, end, value] of [['a', 0, 5_000, 'a1'], ['a', 50_000, 60_000, 'a2'], ['none', 4_000, 5_000, undefined]] as const) {
          const got = store.fetchSession(key, start, end);
          assert.ok(!(got instanceof Promise), `fetchSession(${key}) returned a promise after prefetch`);
          assert.equal(got, kept ? value : undefined);
        }
        store.remove(session('a', 0, 5_000));
        store.put(session('a', 0, 9_000), 'merged');
        await store.flush();
        const merged = store.fetchSession('a', 0, 9_000);
        assert.ok(!(merged instanceof Promise));
        assert.equal(merged, 'merged');
        assert.deepEqual((await collect(store.findSessions('a', 4_500, 52_000))).map((entry) => entry.value), kept ? ['merged', 'a2'] : ['merged']);
      });

      test('restoreBatch rebuilds the store from the logging layer\'s records (key + end + start), without logging them again', async () => {
        const source = Stores.sessionStoreBuilder(Stores.inMemorySessionStore('sessions', RETENTION), Serdes.String(), Serdes.String()).withCachingDisabled().build();
        const sourceContext = testContext(dir.path);
        await source.init(sourceContext);
        source.put(session('a', 1_000, 2_000), '1');
        source.put(session('b', 0, 0), '2');
        source.remove(session('a', 1_000, 2_000));
        source.put(session('a', 1_000, 3_000), '3');
        const records = sourceContext.changelog.records.map((record) => ({ key: record.keyBytes, value: record.valueBytes, timestamp: record.timestamp }));
        const expectedKey = Buffer.alloc(17);
        expectedKey.write('a');
        expectedKey.writeUInt32BE(2_000, 5);
        expectedKey.writeUInt32BE(1_000, 13);
        assert.equal(records[0]?.key.toString('hex'), expectedKey.toString('hex'));
        context.changelog.clear();
        await store.restoreBatch(records);
        await store.flush();
        assert.deepEqual([...flat(await collect(store.fetch('a'))), ...flat(await collect(store.fetch('b')))], ['a@1000-3000=3', 'b@0-0=2']);
        assert.deepEqual(context.changelog.records, []);
        assert.equal(store.changelogTopic, layers.logging ? 'app-sessions-changelog' : undefined);
        await source.close();
      });

      test('flushed and closed stores keep their sessions when persistent', async () => {
        store.put(session('a', 1_000, 2_000), 'kept');
        await store.flush();
        await store.close();
        store = await open();
        assert.equal(await store.fetchSession('a', 1_000, 2_000), store.persistent ? 'kept' : undefined);
      });

      test('the flush listener gets session keys when cached', async () => {
        const flushed: Array<CacheFlushEntry<Windowed<string>, string>> = [];
        assert.equal(store.setFlushListener((entries) => void flushed.push(...entries), false), layers.caching);
        store.put(session('a', 1_000, 2_000), '1');
        store.put(session('a', 1_000, 2_000), '2');
        await store.flush();
        if (layers.caching) assert.deepEqual(flushed.map((entry) => [entry.key, entry.newValue]), [[session('a', 1_000, 2_000), '2']]);
      });

      test('bad sessions and a closed store are refused', async () => {
        assert.throws(() => store.put(session('a', -1, 5), 'x'), (error) => isKstError(error, 'KST_STORE_WINDOWED_KEY_INVALID'));
        await store.close();
        assert.throws(() => store.put(session('a', 0, 5), 'x'), (error) => isKstError(error, 'KST_STORE_NOT_OPEN'));
      });
    });
  }
}
