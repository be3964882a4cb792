/**
 * A processor that runs an expensive, pure function of each record's value in parallel
 * (on a worker pool) and still forwards the results in the input order, so each key's
 * records keep their order.
 *
 * Records are buffered as they arrive and sent to `compute` a batch at a time: when the
 * buffer is full, and whenever the task commits. The commit hook is a small state store
 * (`BatchFlushStore`, no changelog, no data) whose `flush` — which the task calls, in
 * topological order, before it commits — drains the buffer. That matters for exactly-once:
 * a record whose offset is committed has had its result forwarded in the same transaction.
 * Put the processor in a sub-topology without other stores upstream of it (for example
 * before a repartition), so nothing it forwards lands in a store already flushed.
 *
 * @example
 * ```ts
 * builder.addStateStore(batchFlushStore('fraud-batch'));
 * stream.process(orderedBatchProcessor({ storeName: 'fraud-batch', maxBatch: 64, select: (v) => v.type === 'OrderReserved', compute: (vs) => scorer.score(vs), combine: (v, score) => ({ ...v, score }) }), Named.as('fraud-score'), 'fraud-batch');
 * ```
 */

import type { Awaitable, ProcessorContext, ProcessorSupplier } from '../../../processors/api/processor.ts';
import type { StreamRecord } from '../../../processors/api/record.ts';
import type { StateStore, StateStoreContext } from '../../../state/api/state-store.ts';
import type { StoreBuilder } from '../../../state/api/store-builder.ts';

/** A store that holds nothing: it only tells its processor that the task is about to commit. */
export class BatchFlushStore implements StateStore {
  readonly name: string;
  readonly persistent = false;
  #open = false;
  #onFlush: (() => Promise<void>) | undefined;

  constructor(name: string) {
    this.name = name;
  }

  /** Set by the processor in `init`. */
  onFlush(drain: () => Promise<void>): void {
    this.#onFlush = drain;
  }

  init(_context: StateStoreContext): Promise<void> {
    this.#open = true;
    return Promise.resolve();
  }

  flush(): Promise<void> {
    return this.#onFlush?.() ?? Promise.resolve();
  }

  close(): Promise<void> {
    this.#open = false;
    this.#onFlush = undefined;
    return Promise.resolve();
  }

  isOpen(): boolean {
    return this.#open;
  }
}

/** The builder `addStateStore` takes: no changelog (the buffer is empty at every commit), no cache. */
export function batchFlushStore(name: string): StoreBuilder<BatchFlushStore> {
  return Object.freeze({ name, loggingEnabled: false, logConfig: {}, cachingEnabled: false, build: () => new BatchFlushStore(name) });
}

export interface OrderedBatchSettings<V, R, VOut> {
  readonly storeName: string;
  /** Buffered records that trigger a batch before the commit does. */
  readonly maxBatch: number;
  /** Which values need `compute`; the others wait in the buffer only to keep their place. */
  readonly select: (value: V) => boolean;
  /** The expensive part, for the selected values of a batch, results in the same order. */
  readonly compute: (values: readonly V[]) => Awaitable<readonly R[]>;
  readonly combine: (value: V, result: R | undefined) => VOut;
}

class OrderedBatchProcessor<K, V, R, VOut> {
  readonly #settings: OrderedBatchSettings<V, R, VOut>;
  #context!: ProcessorContext<K, VOut>;
  #buffer: StreamRecord<K, V>[] = [];

  constructor(settings: OrderedBatchSettings<V, R, VOut>) {
    this.#settings = settings;
  }

  init(context: ProcessorContext<K, VOut>): void {
    this.#context = context;
    context.getStateStore<BatchFlushStore>(this.#settings.storeName).onFlush(() => this.#drain());
  }

  process(record: StreamRecord<K, V>): Awaitable<void> {
    this.#buffer.push(record);
    return this.#buffer.length >= this.#settings.maxBatch ? this.#drain() : undefined;
  }

  async #drain(): Promise<void> {
    while (this.#buffer.length > 0) {
      const batch = this.#buffer;
      this.#buffer = [];
      const selected = batch.filter((record) => this.#settings.select(record.value));
      const results = selected.length === 0 ? [] : await this.#settings.compute(selected.map((record) => record.value));
      const resultOf = new Map<StreamRecord<K, V>, R | undefined>(selected.map((record, index) => [record, results[index]]));
      for (const record of batch) {
        await this.#context.forward({ ...record, value: this.#settings.combine(record.value, resultOf.get(record)) });
      }
    }
  }

  close(): void {
    // Unforwarded records were not committed either: they are read again after a restart.
    this.#buffer = [];
  }
}

export function orderedBatchProcessor<K, V, R, VOut>(settings: OrderedBatchSettings<V, R, VOut>): ProcessorSupplier<K, V, K, VOut> {
  return () => new OrderedBatchProcessor(settings);
}
