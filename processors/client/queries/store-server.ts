/**
 * The worker's side of interactive queries when stream threads run on worker threads
 * (`num.stream.threads` > 1): it lists the thread's store copies for the client and
 * answers the client's reads of them (`RemoteThreadStores` is the other side). A read
 * that answers entries goes back in pages with a cursor, so a range over a large store
 * never crosses the thread boundary in one message.
 *
 * Keys, values and arguments cross as structured clones: plain data, strings, numbers,
 * bigints, arrays and plain objects arrive as they are; class instances arrive as plain
 * objects.
 *
 * @example
 * ```ts
 * const server = new StoreServer(Object.keys(plan.stores), () => thread.stores, post);
 * thread events: onStateChange → server.publish();
 * port messages: 'store-call' → void server.call(requestId, call); 'store-next' → void server.next(requestId, cursor)
 * ```
 */

import { KstError } from '../../../common/errors.ts';
import type { LocalStoreInstance, ThreadStores } from '../../runtime/thread/thread-stores.ts';
import { errorToData, type FromWorker, type StoreAnswer, type StoreCall, type StoreInstanceData } from '../worker-messages.ts';
import { STORE_METHODS, shapeOf } from './store-instances.ts';

/** Entries per page of a range answer. */
export const PAGE_SIZE = 1_000;

export class StoreServer {
  readonly #storeNames: readonly string[];
  readonly #stores: () => Pick<ThreadStores, 'instances'> | undefined;
  readonly #post: (message: FromWorker) => void;
  readonly #cursors = new Map<number, AsyncIterator<unknown>>();
  #nextCursor = 1;

  constructor(storeNames: readonly string[], stores: () => Pick<ThreadStores, 'instances'> | undefined, post: (message: FromWorker) => void) {
    this.#storeNames = storeNames;
    this.#stores = stores;
    this.#post = post;
  }

  /** Sends the client the copies a query may read now (running active tasks' and standbys'). */
  publish(): void {
    const instances: StoreInstanceData[] = [];
    const stores = this.#stores();
    if (stores === undefined) return this.#post({ type: 'stores', instances });
    for (const storeName of this.#storeNames) {
      for (const instance of stores.instances(storeName, true)) {
        const shape = shapeOf(instance.store);
        if (shape !== undefined) instances.push({ storeName, taskId: instance.taskId, partition: instance.partition, standby: instance.standby, shape });
      }
    }
    this.#post({ type: 'stores', instances });
  }

  async call(requestId: number, call: StoreCall): Promise<void> {
    this.#answer(requestId, await this.#run(call));
  }

  async next(requestId: number, cursor: number): Promise<void> {
    const iterator = this.#cursors.get(cursor);
    if (iterator === undefined) {
      this.#answer(requestId, { kind: 'error', error: errorToData(new KstError('KST_STREAMS_STORE_UNAVAILABLE', 'the store range was closed (its thread stopped or it timed out); query again', {})) });
      return;
    }
    this.#cursors.delete(cursor);
    this.#answer(requestId, await this.#page(iterator));
  }

  /** Ends a range the client stopped reading early. */
  close(cursor: number): void {
    const iterator = this.#cursors.get(cursor);
    this.#cursors.delete(cursor);
    void iterator?.return?.();
  }

  /** Ends every open range (the thread is stopping). */
  closeAll(): void {
    for (const cursor of [...this.#cursors.keys()]) this.close(cursor);
  }

  async #run(call: StoreCall): Promise<StoreAnswer> {
    try {
      const instance = this.#find(call);
      const shape = shapeOf(instance.store);
      const kind = shape === undefined ? undefined : STORE_METHODS[shape][call.method];
      if (kind === undefined) throw new KstError('KST_STREAMS_STORE_TYPE_MISMATCH', `store "${call.storeName}" has no read method "${call.method}"`, { store: call.storeName, method: call.method });
      const read = (instance.store as unknown as Record<string, (...args: unknown[]) => unknown>)[call.method] as (...args: unknown[]) => unknown;
      const result = read.apply(instance.store, [...call.args]);
      if (kind === 'value') return { kind: 'value', value: await result };
      return await this.#page((result as AsyncIterable<unknown>)[Symbol.asyncIterator]());
    } catch (error) {
      return { kind: 'error', error: errorToData(error instanceof Error ? error : new Error(String(error))) };
    }
  }

  async #page(iterator: AsyncIterator<unknown>): Promise<StoreAnswer> {
    try {
      const entries: unknown[] = [];
      while (entries.length < PAGE_SIZE) {
        const next = await iterator.next();
        if (next.done === true) return { kind: 'page', entries, cursor: undefined };
        entries.push(next.value);
      }
      const cursor = this.#nextCursor++;
      this.#cursors.set(cursor, iterator);
      return { kind: 'page', entries, cursor };
    } catch (error) {
      void iterator.return?.();
      return { kind: 'error', error: errorToData(error instanceof Error ? error : new Error(String(error))) };
    }
  }

  /** The copy the call names; gone (revoked, or not running yet) reads as a store that is not open. */
  #find(call: StoreCall): LocalStoreInstance {
    const instance = this.#stores()?.instances(call.storeName, call.standby).find((i) => i.taskId === call.taskId && i.standby === call.standby);
    if (instance === undefined) throw new KstError('KST_STORE_NOT_OPEN', `store "${call.storeName}" of task ${call.taskId} is not open on this thread now`, { store: call.storeName, taskId: call.taskId });
    return instance;
  }

  #answer(requestId: number, answer: StoreAnswer): void {
    this.#post({ type: 'store-answer', requestId, answer });
  }
}
