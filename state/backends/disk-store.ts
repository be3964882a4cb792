/**
 * What the disk backends (RocksDB, LevelDB) share: writes are buffered in a pending write
 * batch, visible to the store's own reads and ranges, and reach the engine as one batch on
 * `flush` (at commit); keys loaded by `prefetch` answer synchronously afterwards. A backend
 * supplies only the engine calls (open, batched read, batched write, iterator, close).
 *
 * A `get` is answered, in this order, from the pending batch, from the staged batch, from
 * the batch being written, from the prefetched keys, and only then from the engine (a
 * promise).
 *
 * Under exactly-once (a `transaction` in the context, once begun) `flush` only stages the
 * pending batch: it reaches the engine when the task's Kafka transaction has committed
 * (`commitStaged`), and a lost transaction or a close drops it (`abortStaged`), so the
 * engine holds committed writes only. Restoration writes at once: it runs before `begin`.
 */

import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';

import type { BytesWrite, KeyValueBytesStore } from '../api/bytes-store.ts';
import type { RestoreRecord } from '../api/restorable.ts';
import type { KeyValue, StateStoreContext } from '../api/state-store.ts';
import type { StoreTransaction, TransactionParticipant } from '../api/store-transaction.ts';
import { keyString, notOpen, storeIoError } from '../internals/bytes.ts';
import { mergeWithOverlay, sortedOverlay, type OverlayEntry } from '../internals/merge-iterator.ts';

/** Beyond this many prefetched keys the old ones are dropped, so memory stays bounded across batches. */
const PREFETCH_LIMIT = 100_000;

export abstract class DiskKeyValueStore implements KeyValueBytesStore, TransactionParticipant {
  readonly name: string;
  readonly persistent = true;
  readonly changelogTopic = undefined;
  #open = false;
  #pending = new Map<string, OverlayEntry>();
  /** Flushed under an open transaction, written once it commits. */
  #staged = new Map<string, OverlayEntry>();
  #writing: Map<string, OverlayEntry> | undefined;
  #transaction: StoreTransaction | undefined;
  /** null: prefetched and absent. */
  #prefetched = new Map<string, Buffer | null>();
  #inflight = 0;
  #drained: Array<() => void> = [];
  #flushing: Promise<void> = Promise.resolve();

  constructor(name: string) {
    this.name = name;
  }

  protected abstract openEngine(directory: string): Promise<void>;
  protected abstract readOne(key: Buffer): Promise<Buffer | undefined>;
  protected abstract readMany(keys: readonly Buffer[]): Promise<Array<Buffer | undefined>>;
  protected abstract writeBatch(writes: readonly OverlayEntry[]): Promise<void>;
  protected abstract iterate(from: Buffer | undefined, to: Buffer | undefined): AsyncIterable<KeyValue<Buffer, Buffer>>;
  protected abstract countEntries(): Promise<number>;
  protected abstract closeEngine(): Promise<void>;

  async init(context: StateStoreContext): Promise<void> {
    const directory = join(context.stateDir, this.name);
    try {
      await mkdir(directory, { recursive: true });
      await this.openEngine(directory);
    } catch (error) {
      throw storeIoError(this.name, `open ${directory}`, error);
    }
    this.#open = true;
    this.#transaction = context.transaction;
    this.#transaction?.enlist(this);
    this.#transaction?.acknowledge(this.name);
  }

  isOpen(): boolean {
    return this.#open;
  }

  get(key: Buffer): Buffer | undefined | Promise<Buffer | undefined> {
    if (!this.#open) throw notOpen(this.name);
    const known = this.#buffered(keyString(key));
    return known === undefined ? this.#track(this.readOne(key), 'read') : (known ?? undefined);
  }

  async getMany(keys: readonly Buffer[]): Promise<Array<Buffer | undefined>> {
    if (!this.#open) throw notOpen(this.name);
    const values: Array<Buffer | undefined> = new Array(keys.length);
    const missing: Buffer[] = [];
    const positions: number[] = [];
    keys.forEach((key, index) => {
      const known = this.#buffered(keyString(key));
      if (known === undefined) {
        missing.push(key);
        positions.push(index);
      } else {
        values[index] = known ?? undefined;
      }
    });
    if (missing.length > 0) {
      const read = await this.#track(this.readMany(missing), 'read');
      positions.forEach((position, index) => (values[position] = read[index]));
    }
    return values;
  }

  put(key: Buffer, value: Buffer | null): void {
    if (!this.#open) throw notOpen(this.name);
    this.#pending.set(keyString(key), { key, value });
  }

  putAll(writes: Iterable<BytesWrite>): void {
    for (const write of writes) this.put(write.key, write.value);
  }

  range(from?: Buffer, to?: Buffer): AsyncIterable<KeyValue<Buffer, Buffer>> {
    if (!this.#open) throw notOpen(this.name);
    const unflushed = this.#writing === undefined && this.#staged.size === 0 ? this.#pending : new Map([...(this.#writing ?? []), ...this.#staged, ...this.#pending]);
    return mergeWithOverlay(sortedOverlay(unflushed, from, to), this.iterate(from, to));
  }

  all(): AsyncIterable<KeyValue<Buffer, Buffer>> {
    return this.range();
  }

  async approximateNumEntries(): Promise<number> {
    if (!this.#open) throw notOpen(this.name);
    let pendingPuts = 0;
    for (const entry of this.#pending.values()) if (entry.value !== null) pendingPuts++;
    return (await this.#track(this.countEntries(), 'count entries')) + pendingPuts;
  }

  async prefetch(keys: readonly Buffer[]): Promise<void> {
    if (!this.#open) throw notOpen(this.name);
    const missing = keys.filter((key) => this.#buffered(keyString(key)) === undefined);
    if (missing.length === 0) return;
    if (this.#prefetched.size + missing.length > PREFETCH_LIMIT) this.#prefetched.clear();
    const values = await this.#track(this.readMany(missing), 'prefetch');
    // Written meanwhile: the pending batch answers first anyway; flush waits for this read.
    missing.forEach((key, index) => this.#prefetched.set(keyString(key), values[index] ?? null));
  }

  async restoreBatch(records: ReadonlyArray<RestoreRecord>): Promise<void> {
    for (const record of records) this.put(record.key, record.value);
    // Changelog records are committed: written at once, even under a begun transaction (a standby's).
    await this.#write(() => this.#takePending());
  }

  flush(): Promise<void> {
    if (!this.#open) return Promise.reject(notOpen(this.name));
    if (this.#transaction?.active === true) {
      this.#stage();
      return Promise.resolve();
    }
    return this.#write(() => this.#takePending());
  }

  /** The task's Kafka transaction committed: the staged writes go to the engine. */
  commitStaged(): Promise<void> {
    if (!this.#open || this.#staged.size === 0) return Promise.resolve();
    return this.#write(() => {
      const staged = this.#staged;
      this.#staged = new Map();
      return staged;
    });
  }

  /** The task's Kafka transaction is lost: what it wrote here is dropped. */
  abortStaged(): void {
    this.#pending = new Map();
    this.#staged = new Map();
  }

  async close(): Promise<void> {
    if (!this.#open) return;
    try {
      // Under a transaction, what is not committed by now never will be by this store.
      if (this.#transaction?.active === true) this.abortStaged();
      await this.flush();
      await this.#flushing.catch(() => undefined);
    } finally {
      this.#open = false;
      this.#prefetched.clear();
      this.#transaction?.leave(this);
      await this.closeEngine();
    }
  }

  /** The value known without the engine: a Buffer, null when known absent, undefined when unknown. */
  #buffered(key: string): Buffer | null | undefined {
    const pending = this.#pending.get(key) ?? this.#staged.get(key) ?? this.#writing?.get(key);
    if (pending !== undefined) return pending.value;
    return this.#prefetched.get(key);
  }

  #stage(): void {
    if (this.#pending.size === 0) return;
    if (this.#staged.size === 0) {
      this.#staged = this.#pending;
    } else {
      for (const [key, entry] of this.#pending) this.#staged.set(key, entry);
    }
    this.#pending = new Map();
  }

  #takePending(): Map<string, OverlayEntry> {
    const pending = this.#pending;
    this.#pending = new Map();
    return pending;
  }

  /** One write at a time: two write batches of the same key must land in order. */
  #write(take: () => Map<string, OverlayEntry>): Promise<void> {
    const run = this.#flushing.then(() => this.#writeOnce(take), () => this.#writeOnce(take));
    this.#flushing = run;
    return run;
  }

  async #writeOnce(take: () => Map<string, OverlayEntry>): Promise<void> {
    // A read started before this write must not see it (an old value read for `delete`).
    while (this.#inflight > 0) await new Promise<void>((resolve) => this.#drained.push(resolve));
    const writing = take();
    if (writing.size === 0) return;
    this.#writing = writing;
    try {
      await this.writeBatch([...writing.values()]);
    } catch (error) {
      // Kept for the next write, under anything written meanwhile.
      const kept = this.#transaction?.active === true ? this.#staged : this.#pending;
      for (const [key, entry] of writing) if (!this.#pending.has(key) && !kept.has(key)) kept.set(key, entry);
      throw storeIoError(this.name, 'write a batch', error);
    } finally {
      this.#writing = undefined;
    }
    for (const [key, entry] of writing) if (this.#prefetched.has(key)) this.#prefetched.set(key, entry.value);
  }

  #track<T>(read: Promise<T>, operation: string): Promise<T> {
    this.#inflight++;
    return read.then(
      (value) => {
        this.#settled();
        return value;
      },
      (error: unknown) => {
        this.#settled();
        throw storeIoError(this.name, operation, error);
      },
    );
  }

  #settled(): void {
    if (--this.#inflight > 0 || this.#drained.length === 0) return;
    const waiting = this.#drained;
    this.#drained = [];
    for (const resolve of waiting) resolve();
  }
}
