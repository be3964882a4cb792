/**
 * Range reads over several local copies of a store (one per partition) answered as one
 * iteration: merged in key byte order when the keys' bytes are known, as one store's
 * range would be; one copy after the other otherwise (as Kafka Streams' composite stores
 * do). Each copy's iterator is read lazily, so a caller that stops early reads little.
 *
 * @example
 * ```ts
 * for await (const entry of mergeRanges(instances.map((i) => store(i).range(from, to)), (e) => keyBytes(e.key))) console.log(entry);
 * ```
 */

import type { KeyValue } from '../../../state/api/state-store.ts';
import { migrated } from './store-instances.ts';

interface Head<E> {
  readonly iterator: AsyncIterator<E>;
  entry: E;
  bytes: Buffer;
}

/** Merges `sources` by `keyBytes` of each entry; concatenates when it answers undefined for the first entry. */
export async function* mergeRanges<E>(storeName: string, sources: readonly AsyncIterable<E>[], keyBytes: (entry: E) => Buffer | undefined): AsyncGenerator<E> {
  const iterators = sources.map((source) => source[Symbol.asyncIterator]());
  const next = async (iterator: AsyncIterator<E>): Promise<IteratorResult<E>> => {
    try {
      return await iterator.next();
    } catch (error) {
      throw migrated(storeName, error);
    }
  };
  const heads: Head<E>[] = [];
  for (const iterator of iterators) {
    const first = await next(iterator);
    if (first.done === true) continue;
    const bytes = keyBytes(first.value);
    if (bytes === undefined) {
      // No order to merge by: yield the copies one after the other.
      yield first.value;
      for (let item = await next(iterator); item.done !== true; item = await next(iterator)) yield item.value;
      continue;
    }
    heads.push({ iterator, entry: first.value, bytes });
  }
  while (heads.length > 0) {
    let lowest = 0;
    for (let i = 1; i < heads.length; i++) if (Buffer.compare((heads[i] as Head<E>).bytes, (heads[lowest] as Head<E>).bytes) < 0) lowest = i;
    const head = heads[lowest] as Head<E>;
    yield head.entry;
    const item = await next(head.iterator);
    if (item.done === true) {
      heads.splice(lowest, 1);
      continue;
    }
    head.entry = item.value;
    head.bytes = keyBytes(item.value) ?? head.bytes;
  }
}

/** Maps the values of key-value entries. */
export async function* mapValues<K>(source: AsyncIterable<KeyValue<K, unknown>>, map: (value: unknown) => unknown): AsyncGenerator<KeyValue<K, unknown>> {
  for await (const entry of source) yield { key: entry.key, value: map(entry.value) };
}
