/**
 * The one contract every key-value store must keep, whatever its backend and layers, as
 * Kafka Streams' `AbstractKeyValueStoreTest`. Each backend's test file registers it for
 * the bare store and with caching, logging, or both.
 */

import { after, afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { isKstError } from '../../common/errors.ts';
import { Serdes } from '../../schemas/serdes/serdes.ts';
import type { KeyValueBytesStoreSupplier } from '../../state/api/bytes-store.ts';
import { Stores } from '../../state/stores.ts';
import type { MeteredKeyValueStore } from '../../state/internals/metered-store.ts';
import { collect, tempDir, testContext, type TestContext } from './support.ts';

type Store = MeteredKeyValueStore<string, string>;

export const LAYERS = [
  { label: 'bare', caching: false, logging: false },
  { label: 'caching', caching: true, logging: false },
  { label: 'logging', caching: false, logging: true },
  { label: 'caching+logging', caching: true, logging: true },
] as const;

/** Keys whose byte order differs from code-point-free intuition: NUL, upper case, multi-byte UTF-8, a prefix. */
const KEYS = ['b', 'a', 'aa', 'B', 'é', '\u0000', 'z', ''];
const byteOrder = (keys: readonly string[]): string[] => [...keys].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));

export function keyValueStoreContract(backend: string, supplier: (name: string) => KeyValueBytesStoreSupplier): void {
  for (const layers of LAYERS) {
    describe(`${backend} key-value store (${layers.label})`, () => {
      const dir = tempDir();
      let context: TestContext;
      let store: Store;
      let persistent = false;

      const open = async (): Promise<Store> => {
        let builder = Stores.keyValueStoreBuilder(supplier('kv'), Serdes.String(), Serdes.String());
        builder = layers.caching ? builder.withCachingEnabled() : builder.withCachingDisabled();
        builder = layers.logging ? builder.withLoggingEnabled() : builder.withLoggingDisabled();
        const built = builder.build();
        await built.init(context);
        persistent = built.persistent;
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

      test('put, get and overwrite; a missing key is undefined', async () => {
        store.put('a', '1');
        assert.equal(await store.get('a'), '1');
        store.put('a', '2');
        assert.equal(await store.get('a'), '2');
        assert.equal(await store.get('missing'), undefined);
        await store.flush();
        assert.equal(await store.get('a'), '2');
      });

      test('delete returns the previous value and removes the key, flushed or not', async () => {
        store.put('a', '1');
        store.put('b', '2');
        await store.flush();
        store.put('c', '3');
        assert.equal(await store.delete('a'), '1');
        assert.equal(await store.delete('c'), '3');
        assert.equal(await store.delete('missing'), undefined);
        assert.equal(await store.get('a'), undefined);
        assert.equal(await store.get('c'), undefined);
        await store.flush();
        assert.equal(await store.get('a'), undefined);
        assert.equal(await store.get('b'), '2');
      });

      test('putIfAbsent writes only when there is no value and returns the previous one', async () => {
        assert.equal(await store.putIfAbsent('a', '1'), undefined);
        assert.equal(await store.putIfAbsent('a', '2'), '1');
        await store.flush();
        assert.equal(await store.putIfAbsent('a', '3'), '1');
        assert.equal(await store.get('a'), '1');
      });

      test('putAll writes every entry; null and undefined values delete', async () => {
        store.putAll([{ key: 'a', value: '1' }, { key: 'b', value: '2' }, { key: 'c', value: '3' }]);
        await store.flush();
        store.put('a', null as unknown as string);
        store.put('b', undefined as unknown as string);
        assert.equal(await store.get('a'), undefined);
        assert.equal(await store.get('b'), undefined);
        assert.equal(await store.get('c'), '3');
        await store.flush();
        assert.deepEqual(await collect(store.all()), [{ key: 'c', value: '3' }]);
      });

      test('an empty value is a value, an empty key is a key, a null key is refused', async () => {
        store.put('', '');
        assert.equal(await store.get(''), '');
        await store.flush();
        assert.equal(await store.get(''), '');
        assert.throws(() => store.put(null as unknown as string, 'x'), (error) => isKstError(error, 'KST_STORE_NULL_KEY'));
        assert.throws(() => store.get(undefined as unknown as string), (error) => isKstError(error, 'KST_STORE_NULL_KEY'));
      });

      test('all() and range() follow the byte order of the keys and see unflushed writes', async () => {
        const [first, ...rest] = KEYS;
        for (const key of rest.slice(0, 4)) store.put(key, `old-${key}`);
        await store.flush();
        store.put(first as string, `v-${first}`);
        for (const key of rest.slice(4)) store.put(key, `v-${key}`);
        store.put('aa', 'v-aa');
        assert.equal(await store.delete('a'), 'old-a');
        const expected = byteOrder(KEYS.filter((key) => key !== 'a')).map((key) => ({ key, value: key === 'B' || key === 'é' ? `old-${key}` : `v-${key}` }));
        assert.deepEqual(await collect(store.all()), expected);
        await store.flush();
        assert.deepEqual(await collect(store.all()), expected);
      });

      test('range bounds are inclusive and either may be omitted', async () => {
        for (const key of ['a', 'b', 'c', 'd', 'e']) store.put(key, key.toUpperCase());
        await store.flush();
        store.put('bb', 'BB');
        const keys = async (from?: string, to?: string) => (await collect(store.range(from, to))).map((entry) => entry.key);
        assert.deepEqual(await keys('b', 'd'), ['b', 'bb', 'c', 'd']);
        assert.deepEqual(await keys('bb'), ['bb', 'c', 'd', 'e']);
        assert.deepEqual(await keys(undefined, 'b'), ['a', 'b']);
        assert.deepEqual(await keys('ab', 'az'), []);
        assert.deepEqual(await keys('d', 'b'), []);
        assert.deepEqual(await keys(undefined, ''), []);
      });

      test('a range left early does not keep the store from closing', async () => {
        for (let i = 0; i < 50; i++) store.put(`k${String(i).padStart(2, '0')}`, 'v');
        await store.flush();
        for await (const entry of store.range('k10')) {
          assert.equal(entry.key, 'k10');
          break;
        }
        await store.close();
        assert.equal(store.isOpen(), false);
      });

      test('after prefetch, gets of the prefetched keys answer synchronously', async () => {
        store.put('a', '1');
        store.put('b', '2');
        await store.flush();
        await store.close();
        store = await open();
        await store.prefetch(['a', 'b', 'missing']);
        for (const [key, value] of [['a', persistent ? '1' : undefined], ['b', persistent ? '2' : undefined], ['missing', undefined]] as const) {
          const got = store.get(key);
          assert.ok(!(got instanceof Promise), `get(${key}) returned a promise after prefetch`);
          assert.equal(got, value);
        }
        store.put('a', '3');
        await store.flush();
        const again = store.get('a');
        assert.ok(!(again instanceof Promise));
        assert.equal(again, '3');
      });

      test('flushed and closed stores keep their data when persistent', async () => {
        store.put('kept', 'yes');
        await store.flush();
        store.put('closed-unflushed', 'also');
        await store.close();
        assert.equal(store.isOpen(), false);
        store = await open();
        assert.equal(await store.get('kept'), persistent ? 'yes' : undefined);
        assert.equal(await store.get('closed-unflushed'), persistent ? 'also' : undefined);
      });

      test('approximateNumEntries counts the entries', async () => {
        for (let i = 0; i < 10; i++) store.put(`k${i}`, 'v');
        await store.flush();
        const count = await store.approximateNumEntries();
        if (persistent) assert.ok(count >= 5 && count <= 20, `approximate count ${count}`);
        else assert.equal(count, 10);
      });

      test('restoreBatch applies changelog records without logging them again', async () => {
        store.put('a', 'before');
        await store.flush();
        context.changelog.clear();
        await store.restoreBatch([
          { key: Buffer.from('a'), value: Buffer.from('restored') },
          { key: Buffer.from('b'), value: Buffer.from('2') },
          { key: Buffer.from('b'), value: null },
          { key: Buffer.from('c'), value: Buffer.from('3') },
        ]);
        await store.flush();
        assert.equal(await store.get('a'), 'restored');
        assert.equal(await store.get('b'), undefined);
        assert.equal(await store.get('c'), '3');
        assert.deepEqual(context.changelog.records, []);
        assert.equal(store.changelogTopic, layers.logging ? 'app-kv-changelog' : undefined);
      });

      test('a closed store refuses to be used', async () => {
        await store.close();
        assert.throws(() => store.put('a', '1'), (error) => isKstError(error, 'KST_STORE_NOT_OPEN'));
        assert.throws(() => store.get('a'), (error) => isKstError(error, 'KST_STORE_NOT_OPEN'));
      });
    });
  }
}
