/**
 * The LevelDB bytes store (`classic-level`), a persistent backend for where RocksDB does
 * not fit (a smaller binary, LevelDB's on-disk format). Writes are buffered like RocksDB's
 * (see `DiskKeyValueStore`); `prefetch` and `getMany` use LevelDB's `getMany`.
 *
 * @example
 * ```ts
 * const builder = Stores.keyValueStoreBuilder(Stores.levelKeyValueStore('carts'), Serdes.String(), Serdes.JSON<Cart>());
 * ```
 */

import { ClassicLevel } from 'classic-level';

import type { KeyValue } from '../api/state-store.ts';
import { notOpen } from '../internals/bytes.ts';
import type { OverlayEntry } from '../internals/merge-iterator.ts';
import { DiskKeyValueStore } from './disk-store.ts';

type Level = ClassicLevel<Buffer, Buffer>;

const ENCODING = { keyEncoding: 'buffer', valueEncoding: 'buffer' } as const;

export class LevelKeyValueStore extends DiskKeyValueStore {
  #db: Level | undefined;

  protected async openEngine(directory: string): Promise<void> {
    const db: Level = new ClassicLevel<Buffer, Buffer>(directory, ENCODING);
    await db.open();
    this.#db = db;
  }

  protected readOne(key: Buffer): Promise<Buffer | undefined> {
    return this.#handle().get(key);
  }

  protected async readMany(keys: readonly Buffer[]): Promise<Array<Buffer | undefined>> {
    if (keys.length === 0) return [];
    return this.#handle().getMany([...keys]);
  }

  protected async writeBatch(writes: readonly OverlayEntry[]): Promise<void> {
    const batch = this.#handle().batch();
    for (const write of writes) {
      if (write.value === null) batch.del(write.key);
      else batch.put(write.key, write.value);
    }
    await batch.write();
  }

  protected async *iterate(from: Buffer | undefined, to: Buffer | undefined): AsyncGenerator<KeyValue<Buffer, Buffer>> {
    const range: { gte?: Buffer; lte?: Buffer } = {};
    if (from !== undefined) range.gte = from;
    if (to !== undefined) range.lte = to;
    for await (const [key, value] of this.#handle().iterator(range)) yield { key, value };
  }

  protected async countEntries(): Promise<number> {
    // LevelDB keeps no key count; an exact count is what "approximate" gets here.
    let count = 0;
    for await (const _key of this.#handle().keys()) count++;
    return count;
  }

  protected async closeEngine(): Promise<void> {
    const db = this.#db;
    this.#db = undefined;
    await db?.close();
  }

  #handle(): Level {
    if (this.#db === undefined) throw notOpen(this.name);
    return this.#db;
  }
}
