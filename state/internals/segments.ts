/**
 * The segments of a window or session store, as Kafka Streams' `KeyValueSegments`: one
 * key-value bytes store per time slice of `intervalMs`, named `<store>.<slice start ms>`
 * and kept, when persistent, in `<task dir>/<store>/<store>.<slice start ms>`. Expired
 * segments are dropped whole: closed and their folder deleted, which costs one `rm` where
 * deleting their entries one by one would cost a write per entry.
 *
 * A segment is created by a synchronous `put` but its engine opens asynchronously, so a
 * segment takes writes before it is open (kept aside and replayed once it is) and its
 * reads wait for the opening.
 *
 * Under a begun store transaction (exactly-once) an expired segment leaves reads and
 * closes at once, but its folder is deleted only when the transaction commits: the
 * expiry came from a record whose transaction may still abort. Segments found empty when
 * the store opens held only writes that never committed and are deleted, so they do not
 * advance the store's stream time.
 */

import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';

import type { Awaitable } from '../../common/awaitable.ts';
import type { KeyValueBytesStore } from '../api/bytes-store.ts';
import type { KeyValue, StateStoreContext } from '../api/state-store.ts';
import type { TransactionParticipant } from '../api/store-transaction.ts';
import { keyString, storeIoError } from './bytes.ts';
import type { OverlayEntry } from './merge-iterator.ts';

export class Segment {
  readonly id: number;
  readonly store: KeyValueBytesStore;
  readonly ready: Promise<void>;
  /** Writes made before the engine opened; undefined once open. */
  #early: Map<string, OverlayEntry> | undefined = new Map();

  constructor(id: number, store: KeyValueBytesStore, context: StateStoreContext) {
    this.id = id;
    this.store = store;
    this.ready = store.init(context).then(() => {
      const early = this.#early as Map<string, OverlayEntry>;
      this.#early = undefined;
      for (const entry of early.values()) store.put(entry.key, entry.value);
    });
    // Failures surface on the next read or flush; this keeps them from being unhandled meanwhile.
    this.ready.catch(() => undefined);
  }

  put(key: Buffer, value: Buffer | null): void {
    if (this.#early === undefined) this.store.put(key, value);
    else this.#early.set(keyString(key), { key, value });
  }

  get(key: Buffer): Awaitable<Buffer | undefined> {
    if (this.#early === undefined) return this.store.get(key);
    const early = this.#early.get(keyString(key));
    if (early !== undefined) return early.value ?? undefined;
    return this.ready.then(() => this.store.get(key));
  }

  range(from: Buffer | undefined, to: Buffer | undefined): AsyncIterable<KeyValue<Buffer, Buffer>> {
    if (this.#early === undefined) return this.store.range(from, to);
    const opened = async function* (segment: Segment): AsyncGenerator<KeyValue<Buffer, Buffer>> {
      await segment.ready;
      yield* segment.store.range(from, to);
    };
    return opened(this);
  }
}

export class Segments implements TransactionParticipant {
  readonly #storeName: string;
  readonly #intervalMs: number;
  readonly #create: (segmentName: string) => KeyValueBytesStore;
  /** By id; ids only grow, so insertion order is mostly time order, but `sorted` sorts anyway. */
  readonly #live = new Map<number, Segment>();
  #retiring: Promise<void>[] = [];
  /** Folders of segments expired under the open transaction, deleted when it commits. */
  #expiredFolders: string[] = [];
  #context: StateStoreContext | undefined;

  constructor(storeName: string, intervalMs: number, create: (segmentName: string) => KeyValueBytesStore) {
    this.#storeName = storeName;
    this.#intervalMs = intervalMs;
    this.#create = create;
  }

  get size(): number {
    return this.#live.size;
  }

  segmentId(time: number): number {
    return Math.floor(time / this.#intervalMs);
  }

  /** Opens the segments a persistent store left on disk; returns the newest one's id, or -1. */
  async open(context: StateStoreContext, persistent: boolean): Promise<number> {
    const folder = join(context.stateDir, this.#storeName);
    this.#context = { ...context, stateDir: folder };
    if (!persistent) return -1;
    context.transaction?.enlist(this);
    context.transaction?.acknowledge(this.#storeName);
    let names: string[];
    try {
      names = await readdir(folder);
    } catch {
      return -1;
    }
    const prefix = `${this.#storeName}.`;
    const ids = names
      .filter((name) => name.startsWith(prefix) && /^\d+$/.test(name.slice(prefix.length)))
      .map((name) => Number(name.slice(prefix.length)) / this.#intervalMs)
      .filter((id) => Number.isSafeInteger(id));
    const opened = ids.map((id) => this.getOrCreate(id));
    await Promise.all(opened.map((segment) => segment.ready));
    const kept: number[] = [];
    for (const segment of opened) {
      if (await isEmpty(segment.store)) {
        this.#live.delete(segment.id);
        await this.#drop(segment, false);
      } else {
        kept.push(segment.id);
      }
    }
    return kept.length === 0 ? -1 : Math.max(...kept);
  }

  get(id: number): Segment | undefined {
    return this.#live.get(id);
  }

  getOrCreate(id: number): Segment {
    let segment = this.#live.get(id);
    if (segment === undefined) {
      const store = this.#create(`${this.#storeName}.${id * this.#intervalMs}`);
      segment = new Segment(id, store, this.#context as StateStoreContext);
      this.#live.set(id, segment);
    }
    return segment;
  }

  /** Live segments with ids in `[fromId, toId]`, oldest first. */
  between(fromId: number, toId: number): Segment[] {
    return this.sorted().filter((segment) => segment.id >= fromId && segment.id <= toId);
  }

  sorted(): Segment[] {
    return [...this.#live.values()].sort((a, b) => a.id - b.id);
  }

  /** Drops every segment older than `minLiveId`: gone from reads now, closed and deleted by the next `flush`. */
  retireBefore(minLiveId: number): number[] {
    const dropped: number[] = [];
    for (const [id, segment] of this.#live) {
      if (id >= minLiveId) continue;
      this.#live.delete(id);
      dropped.push(id);
      this.#retiring.push(this.#drop(segment, this.#context?.transaction?.active === true));
    }
    return dropped;
  }

  async flush(): Promise<void> {
    await this.#settleRetiring();
    await Promise.all(this.sorted().map(async (segment) => {
      await segment.ready;
      await segment.store.flush();
    }));
  }

  /** The transaction committed: the segments it expired are deleted. */
  async commitStaged(): Promise<void> {
    await this.#settleRetiring();
    const folders = this.#expiredFolders;
    this.#expiredFolders = [];
    for (const folder of folders) await this.#deleteFolder(folder);
  }

  /** The transaction is lost: the segments it expired stay on disk for the next open. */
  abortStaged(): void {
    this.#expiredFolders = [];
  }

  async close(): Promise<void> {
    this.#context?.transaction?.leave(this);
    this.#expiredFolders = [];
    const segments = [...this.#live.values()];
    this.#live.clear();
    const results = await Promise.allSettled([
      this.#settleRetiring(),
      ...segments.map(async (segment) => {
        await segment.ready.catch(() => undefined);
        if (segment.store.isOpen()) await segment.store.close();
      }),
    ]);
    const failed = results.find((result) => result.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
  }

  async #settleRetiring(): Promise<void> {
    const retiring = this.#retiring;
    this.#retiring = [];
    await Promise.all(retiring);
  }

  async #drop(segment: Segment, deferred: boolean): Promise<void> {
    await segment.ready.catch(() => undefined);
    if (segment.store.isOpen()) await segment.store.close();
    if (!segment.store.persistent) return;
    const folder = join((this.#context as StateStoreContext).stateDir, segment.store.name);
    if (deferred) this.#expiredFolders.push(folder);
    else await this.#deleteFolder(folder);
  }

  async #deleteFolder(folder: string): Promise<void> {
    try {
      await rm(folder, { recursive: true, force: true });
    } catch (error) {
      throw storeIoError(this.#storeName, `delete expired segment ${folder}`, error);
    }
  }
}

async function isEmpty(store: KeyValueBytesStore): Promise<boolean> {
  for await (const _entry of store.range()) return false;
  return true;
}
