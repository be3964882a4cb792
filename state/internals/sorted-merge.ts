/**
 * Merges iterators that are each sorted by key bytes into one sorted iterator: the
 * segments of a window or session store each hold a slice of time, so a range over many
 * keys reads every segment and must interleave them (Kafka Streams reads segment after
 * segment instead, which orders by time first). Keys never repeat across the sources.
 */

import type { KeyValue } from '../api/state-store.ts';

type Source = AsyncIterator<KeyValue<Buffer, Buffer>>;

export async function* mergeSorted(sources: ReadonlyArray<AsyncIterable<KeyValue<Buffer, Buffer>>>): AsyncGenerator<KeyValue<Buffer, Buffer>> {
  if (sources.length === 1) {
    yield* sources[0] as AsyncIterable<KeyValue<Buffer, Buffer>>;
    return;
  }
  const iterators: Source[] = sources.map((source) => source[Symbol.asyncIterator]());
  const heads: Array<KeyValue<Buffer, Buffer> | undefined> = [];
  try {
    for (const iterator of iterators) {
      const next = await iterator.next();
      heads.push(next.done === true ? undefined : next.value);
    }
    // Few sources (a store has a handful of live segments): a linear scan beats a heap.
    for (;;) {
      let smallest = -1;
      for (let i = 0; i < heads.length; i++) {
        const head = heads[i];
        if (head === undefined) continue;
        if (smallest < 0 || Buffer.compare(head.key, (heads[smallest] as KeyValue<Buffer, Buffer>).key) < 0) smallest = i;
      }
      if (smallest < 0) return;
      yield heads[smallest] as KeyValue<Buffer, Buffer>;
      const next = await (iterators[smallest] as Source).next();
      heads[smallest] = next.done === true ? undefined : next.value;
    }
  } finally {
    // Left early: let every source release what it holds (a RocksDB iterator keeps `close` waiting).
    await Promise.all(iterators.map((iterator) => iterator.return?.()));
  }
}

/** One source after another, for sources whose key ranges follow each other (one key's segments, oldest first). */
export async function* concatSorted(sources: ReadonlyArray<AsyncIterable<KeyValue<Buffer, Buffer>>>): AsyncGenerator<KeyValue<Buffer, Buffer>> {
  for (const source of sources) yield* source;
}
