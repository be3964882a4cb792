/**
 * The client's side of interactive queries of a stream thread on a worker thread: the
 * worker's store copies as the views see local ones (`instances`, `lags`), each a proxy
 * whose reads are messages to the worker (`StoreServer` answers them). Entries come in
 * pages, fetched as the caller iterates; a proxy offers exactly the read methods of its
 * store's shape, so `requireShape` tells the shapes apart as for local copies.
 *
 * A worker that stops answers nothing more: its pending reads fail with the retriable
 * `KST_STREAMS_STORE_UNAVAILABLE`, as a local copy closed under a query does.
 *
 * Values cross as structured clones; a `Buffer` arrives as a `Uint8Array` and is turned
 * back into a `Buffer` when it is the key or the value itself.
 *
 * @example
 * ```ts
 * const remote = new RemoteThreadStores((message) => worker.postMessage(message));
 * worker.on('message', (m) => m.type === 'stores' ? remote.update(m.instances) : m.type === 'store-answer' ? remote.answer(m.requestId, m.answer) : undefined);
 * for (const copy of remote.instances('counts', false)) console.log(copy.partition, await (copy.store as KeyValueStore<string, number>).get('alpha'));
 * ```
 */

import { KstError } from '../../../common/errors.ts';
import type { StateStore } from '../../../state/api/state-store.ts';
import type { LocalStoreInstance, StorePartitionLag } from '../../runtime/thread/thread-stores.ts';
import { errorFromData, type StoreAnswer, type StoreCall, type StoreInstanceData, type ToWorker } from '../worker-messages.ts';
import { STORE_METHODS } from './store-instances.ts';

/** What the client reads of any stream thread's stores, local or on a worker. */
export interface QueryableThreadStores {
  instances(storeName: string, includeStandbys: boolean): LocalStoreInstance[];
  lags(): Promise<StorePartitionLag[]>;
}

type Pending = { readonly resolve: (answer: StoreAnswer) => void };

const gone = (): KstError => new KstError('KST_STREAMS_STORE_UNAVAILABLE', 'the stream thread holding this store stopped while it was read; retry', {});

function fromClone(value: unknown): unknown {
  return value instanceof Uint8Array && !Buffer.isBuffer(value) ? Buffer.from(value.buffer, value.byteOffset, value.byteLength) : value;
}

function entryFromClone(entry: unknown): unknown {
  const { key, value } = entry as { key: unknown; value: unknown };
  return { key: fromClone(key), value: fromClone(value) };
}

export class RemoteThreadStores implements QueryableThreadStores {
  readonly #send: (message: ToWorker) => void;
  readonly #pending = new Map<number, Pending>();
  readonly #proxies = new Map<string, LocalStoreInstance>();
  #listed: readonly StoreInstanceData[] = [];
  #nextRequest = 0;
  #stopped = false;

  constructor(send: (message: ToWorker) => void) {
    this.#send = send;
  }

  /** The worker's latest list of its copies. */
  update(instances: readonly StoreInstanceData[]): void {
    this.#listed = instances;
  }

  answer(requestId: number, answer: StoreAnswer): void {
    this.#pending.get(requestId)?.resolve(answer);
    this.#pending.delete(requestId);
  }

  /** The worker is gone: nothing is listed any more, and every pending read fails (retriable). */
  stop(): void {
    this.#stopped = true;
    this.#listed = [];
    for (const pending of this.#pending.values()) pending.resolve({ kind: 'error', error: gone().toData() });
    this.#pending.clear();
  }

  instances(storeName: string, includeStandbys: boolean): LocalStoreInstance[] {
    return this.#listed.filter((i) => i.storeName === storeName && (includeStandbys || !i.standby)).map((i) => this.#proxy(i));
  }

  /** The worker's store lags; none once it has stopped. */
  async lags(): Promise<StorePartitionLag[]> {
    if (this.#stopped) return [];
    return valueOf(await this.#request((requestId) => ({ type: 'store-lags', requestId }))) as StorePartitionLag[];
  }

  #proxy(data: StoreInstanceData): LocalStoreInstance {
    const id = `${data.storeName}\u0000${data.taskId}\u0000${data.standby}`;
    let instance = this.#proxies.get(id);
    if (instance === undefined) {
      instance = { storeName: data.storeName, taskId: data.taskId, partition: data.partition, standby: data.standby, store: this.#store(data) };
      this.#proxies.set(id, instance);
    }
    return instance;
  }

  /** A read-only stand-in with the shape's read methods; the views use nothing else of a store. */
  #store(data: StoreInstanceData): StateStore {
    const proxy: Record<string, unknown> = { name: data.storeName, isOpen: () => !this.#stopped };
    for (const [method, kind] of Object.entries(STORE_METHODS[data.shape])) {
      const call = (args: unknown[]): StoreCall => ({ taskId: data.taskId, storeName: data.storeName, standby: data.standby, method, args });
      proxy[method] = kind === 'value'
        ? (...args: unknown[]) => this.#request((requestId) => ({ type: 'store-call', requestId, call: call(args) })).then((answer) => fromClone(valueOf(answer)))
        : (...args: unknown[]) => this.#entries(call(args));
    }
    return proxy as unknown as StateStore;
  }

  async *#entries(call: StoreCall): AsyncGenerator<unknown> {
    let answer = await this.#request((requestId) => ({ type: 'store-call', requestId, call }));
    let cursor: number | undefined;
    try {
      for (;;) {
        if (answer.kind !== 'page') throw errorOf(answer);
        cursor = answer.cursor;
        for (const entry of answer.entries) yield entryFromClone(entry);
        if (cursor === undefined) return;
        const next = cursor;
        cursor = undefined; // the worker takes it back with the request
        answer = await this.#request((requestId) => ({ type: 'store-next', requestId, cursor: next }));
      }
    } finally {
      // Left early (break, return, a throw) while the worker holds the rest: end it there.
      if (cursor !== undefined && !this.#stopped) this.#send({ type: 'store-close', cursor });
    }
  }

  #request(message: (requestId: number) => ToWorker): Promise<StoreAnswer> {
    if (this.#stopped) return Promise.resolve({ kind: 'error', error: gone().toData() });
    const requestId = this.#nextRequest++;
    return new Promise((resolve) => {
      this.#pending.set(requestId, { resolve });
      this.#send(message(requestId));
    });
  }
}

function valueOf(answer: StoreAnswer): unknown {
  if (answer.kind === 'value') return answer.value;
  throw errorOf(answer);
}

function errorOf(answer: StoreAnswer): Error {
  return answer.kind === 'error' ? errorFromData(answer.error) : new Error(`unexpected answer ${answer.kind}`);
}
