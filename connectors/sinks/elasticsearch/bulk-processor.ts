/**
 * Buffers bulk documents and keeps up to `max.in.flight.requests` `_bulk` requests going:
 * a full batch is sent at once, a partial one after `linger.ms`. Two requests touching
 * the same document never run at once, so a later write of a key cannot overtake an
 * earlier one. `flush` sends what is buffered, waits for everything in flight (up to
 * `flush.timeout.ms`) and throws the first error not tolerated.
 *
 * @example
 * ```ts
 * const processor = new BulkProcessor(settings, client, onMalformed);
 * await processor.add(document); // may wait for room
 * await processor.flush();
 * ```
 */

import type { SearchSinkSettings } from './config.ts';
import type { BulkClient } from './bulk-client.ts';
import type { BulkDocument } from './documents.ts';
import { sinkError } from '../support/errors.ts';

interface InFlight {
  readonly done: Promise<void>;
  readonly keys: ReadonlySet<string>;
  readonly size: number;
}

export class BulkProcessor {
  private readonly settings: SearchSinkSettings;
  private readonly client: BulkClient;
  private readonly onMalformed: (document: BulkDocument, reason: string) => Promise<void>;
  private buffer: BulkDocument[] = [];
  private readonly inFlight = new Set<InFlight>();
  private linger: ReturnType<typeof setTimeout> | null = null;
  private failure: Error | null = null;
  /** Serialises dispatches, which await room and conflicting requests. */
  private dispatching: Promise<void> = Promise.resolve();

  constructor(settings: SearchSinkSettings, client: BulkClient, onMalformed: (document: BulkDocument, reason: string) => Promise<void>) {
    this.settings = settings;
    this.client = client;
    this.onMalformed = onMalformed;
  }

  /** Throws an error a finished request left, so the task fails on the next put or flush. */
  throwIfFailed(): void {
    if (this.failure !== null) {
      const failure = this.failure;
      this.failure = null;
      throw failure;
    }
  }

  async add(document: BulkDocument): Promise<void> {
    this.throwIfFailed();
    this.buffer.push(document);
    if (this.buffer.length >= this.settings.batchSize) await this.dispatch();
    else if (this.linger === null) this.linger = setTimeout(() => void this.dispatch().catch(() => undefined), this.settings.lingerMs);
    // Back-pressure: put waits while too much is buffered or in flight.
    while (this.buffered() >= this.settings.maxBuffered && this.inFlight.size > 0) await Promise.race([...this.inFlight].map((f) => f.done));
  }

  private buffered(): number {
    let n = this.buffer.length;
    for (const f of this.inFlight) n += f.size;
    return n;
  }

  /** Sends the buffer, in batches, once room and conflicting requests allow. */
  dispatch(): Promise<void> {
    if (this.linger !== null) {
      clearTimeout(this.linger);
      this.linger = null;
    }
    const batches: BulkDocument[][] = [];
    while (this.buffer.length > 0) batches.push(this.buffer.splice(0, this.settings.batchSize));
    if (batches.length === 0) return this.dispatching;
    this.dispatching = this.dispatching.then(async () => {
      for (const batch of batches) await this.start(batch);
    });
    return this.dispatching;
  }

  private async start(batch: BulkDocument[]): Promise<void> {
    const keys = new Set(batch.map((d) => `${d.index}\u0000${d.id}`));
    for (;;) {
      const conflicts = [...this.inFlight].filter((f) => f.size > 0 && [...keys].some((k) => f.keys.has(k)));
      if (conflicts.length > 0) await Promise.all(conflicts.map((f) => f.done));
      else if (this.inFlight.size >= this.settings.maxInFlight) await Promise.race([...this.inFlight].map((f) => f.done));
      else break;
    }
    const entry: InFlight = { keys, size: batch.length, done: this.run(batch) };
    this.inFlight.add(entry);
    void entry.done.finally(() => this.inFlight.delete(entry));
  }

  private async run(batch: BulkDocument[]): Promise<void> {
    try {
      const outcome = await this.client.send(batch);
      for (const { document, reason } of outcome.malformed) await this.onMalformed(document, reason);
    } catch (error) {
      this.failure ??= error instanceof Error ? error : new Error(String(error));
    }
  }

  async flush(): Promise<void> {
    const deadline = Date.now() + this.settings.flushTimeoutMs;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.settings.flushTimeoutMs);
    });
    try {
      await this.dispatch();
      while (this.inFlight.size > 0 && Date.now() < deadline) {
        const result = await Promise.race([Promise.all([...this.inFlight].map((f) => f.done)), timeout]);
        if (result === 'timeout') break;
      }
    } finally {
      clearTimeout(timer);
    }
    if (this.inFlight.size > 0) {
      throw sinkError('KST_SINK_CONNECTION_FAILED', `flush timed out after ${this.settings.flushTimeoutMs} ms with ${this.buffered()} documents in flight`, { flushTimeoutMs: this.settings.flushTimeoutMs });
    }
    this.throwIfFailed();
  }

  async close(): Promise<void> {
    if (this.linger !== null) clearTimeout(this.linger);
    this.buffer = [];
    await Promise.allSettled([...this.inFlight].map((f) => f.done));
  }
}
