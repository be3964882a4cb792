/**
 * The RocksDB bytes store (`rocksdb-native`), the default persistent backend, as Kafka
 * Streams' `RocksDBStore`. Reads go through rocksdb-native read batches: one batch per
 * `get`, one for a whole `prefetch`/`getMany`; writes are buffered (see `DiskKeyValueStore`)
 * and written as one write batch on `flush`. Durability comes from RocksDB's write-ahead
 * log, so a commit does not force a memtable flush.
 *
 * @example
 * ```ts
 * const store = Stores.persistentKeyValueStore('counts').get();
 * await store.init(context); // opens <state.dir>/<application.id>/<taskId>/counts
 * await store.prefetch(keys);
 * ```
 */

// The package build starts from the entry points; this puts the module's declarations in it.
// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- a global declaration file cannot be imported
/// <reference path="./rocksdb-native.d.ts" />
import RocksDB from 'rocksdb-native';

import type { KeyValue } from '../api/state-store.ts';
import { notOpen } from '../internals/bytes.ts';
import type { OverlayEntry } from '../internals/merge-iterator.ts';
import { DiskKeyValueStore } from './disk-store.ts';

/** The only key `<= ''` is `''` itself; rocksdb-native reads an empty bound as no bound. */
const BELOW_ZERO_BYTE = Buffer.from([0]);

export class RocksDBKeyValueStore extends DiskKeyValueStore {
  #db: RocksDB | undefined;

  protected async openEngine(directory: string): Promise<void> {
    const db = new RocksDB(directory);
    try {
      await db.ready();
    } catch (error) {
      await db.close().catch(() => undefined);
      throw error;
    }
    this.#db = db;
  }

  protected async readOne(key: Buffer): Promise<Buffer | undefined> {
    const batch = this.#handle().read({ capacity: 1, autoDestroy: true });
    const value = batch.get(key);
    batch.tryFlush();
    return (await value) ?? undefined;
  }

  protected async readMany(keys: readonly Buffer[]): Promise<Array<Buffer | undefined>> {
    if (keys.length === 0) return [];
    const batch = this.#handle().read({ capacity: keys.length, autoDestroy: true });
    const values = keys.map((key) => batch.get(key));
    batch.tryFlush();
    return (await Promise.all(values)).map((value) => value ?? undefined);
  }

  protected async writeBatch(writes: readonly OverlayEntry[]): Promise<void> {
    const batch = this.#handle().write({ capacity: writes.length, autoDestroy: true });
    for (const write of writes) {
      if (write.value === null) batch.tryDelete(write.key);
      else batch.tryPut(write.key, write.value);
    }
    await batch.flush();
  }

  protected async *iterate(from: Buffer | undefined, to: Buffer | undefined): AsyncGenerator<KeyValue<Buffer, Buffer>> {
    const range: { gte?: Buffer; lte?: Buffer; lt?: Buffer } = {};
    if (from !== undefined && from.length > 0) range.gte = from;
    if (to !== undefined) {
      if (to.length > 0) range.lte = to;
      else range.lt = BELOW_ZERO_BYTE;
    }
    for await (const { key, value } of this.#handle().iterator(range)) yield { key, value };
  }

  protected async countEntries(): Promise<number> {
    return Number(await this.#handle().getProperty('rocksdb.estimate-num-keys'));
  }

  protected async closeEngine(): Promise<void> {
    const db = this.#db;
    this.#db = undefined;
    await db?.close();
  }

  #handle(): RocksDB {
    if (this.#db === undefined) throw notOpen(this.name);
    return this.#db;
  }
}
