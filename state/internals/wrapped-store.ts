/**
 * The base of the layers between the metered layer and the backend: everything is passed
 * to the wrapped store, and a layer overrides only what it changes.
 */

import type { Awaitable } from '../../common/awaitable.ts';
import type { BytesWrite, KeyValueBytesStore } from '../api/bytes-store.ts';
import type { RestoreRecord } from '../api/restorable.ts';
import type { KeyValue, StateStoreContext } from '../api/state-store.ts';

export abstract class WrappedBytesStore implements KeyValueBytesStore {
  protected readonly inner: KeyValueBytesStore;

  constructor(inner: KeyValueBytesStore) {
    this.inner = inner;
  }

  get name(): string {
    return this.inner.name;
  }

  get persistent(): boolean {
    return this.inner.persistent;
  }

  get changelogTopic(): string | undefined {
    return this.inner.changelogTopic;
  }

  init(context: StateStoreContext): Promise<void> {
    return this.inner.init(context);
  }

  isOpen(): boolean {
    return this.inner.isOpen();
  }

  get(key: Buffer): Awaitable<Buffer | undefined> {
    return this.inner.get(key);
  }

  getMany(keys: readonly Buffer[]): Promise<Array<Buffer | undefined>> {
    return this.inner.getMany(keys);
  }

  put(key: Buffer, value: Buffer | null, timestamp?: number): void {
    this.inner.put(key, value, timestamp);
  }

  putAll(writes: Iterable<BytesWrite>): void {
    for (const write of writes) this.put(write.key, write.value, write.timestamp);
  }

  range(from?: Buffer, to?: Buffer): AsyncIterable<KeyValue<Buffer, Buffer>> {
    return this.inner.range(from, to);
  }

  all(): AsyncIterable<KeyValue<Buffer, Buffer>> {
    return this.range();
  }

  approximateNumEntries(): Promise<number> {
    return this.inner.approximateNumEntries();
  }

  prefetch(keys: readonly Buffer[]): Promise<void> {
    return this.inner.prefetch(keys);
  }

  restoreBatch(records: ReadonlyArray<RestoreRecord>): Promise<void> {
    return this.inner.restoreBatch(records);
  }

  flush(): Promise<void> {
    return this.inner.flush();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
