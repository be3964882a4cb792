/**
 * A built-in demo and test sink: it keeps what it receives in memory, per
 * `memory.sink.id`, split into written (`put`) and durable (`flush`ed) records, so tests
 * can see exactly what the framework delivered and what it committed after. Records whose
 * value contains `memory.reject.marker` are reported as errant (DLQ under
 * `errors.tolerance=all`).
 */

import type { SinkRecord } from '../api/connect-record.ts';
import type { SinkConnectorPlugin, SinkTask, SinkTaskContext } from '../api/sink.ts';

export interface MemorySinkState {
  readonly written: SinkRecord[];
  readonly flushed: SinkRecord[];
  /** The offsets each flush was asked to make durable. */
  readonly flushes: Array<ReadonlyMap<string, bigint>>;
  /** Task ids started (repeats show restarts). */
  readonly started: string[];
}

const stores = new Map<string, MemorySinkState>();

/**
 * What the sinks of one `memory.sink.id` received (shared by all tasks in this process).
 *
 * @example
 * ```ts
 * memorySinkState('t1').flushed.map((r) => r.value);
 * ```
 */
export function memorySinkState(id: string): MemorySinkState {
  let state = stores.get(id);
  if (state === undefined) {
    state = { written: [], flushed: [], flushes: [], started: [] };
    stores.set(id, state);
  }
  return state;
}

class MemorySinkTask implements SinkTask {
  #state: MemorySinkState = memorySinkState('');
  #pending: SinkRecord[] = [];
  #context: SinkTaskContext | null = null;
  #marker = '';

  async start(config: Readonly<Record<string, string>>, context: SinkTaskContext): Promise<void> {
    this.#state = memorySinkState(config['memory.sink.id'] ?? '');
    this.#context = context;
    this.#marker = config['memory.reject.marker'] ?? '';
    this.#state.started.push(config['task.id'] ?? '?');
  }

  async put(records: readonly SinkRecord[]): Promise<void> {
    for (const record of records) {
      if (this.#marker !== '' && JSON.stringify(record.value ?? null).includes(this.#marker)) {
        await this.#context?.errantRecordReporter(record, new Error(`record rejected by marker ${this.#marker}`));
        continue;
      }
      this.#state.written.push(record);
      this.#pending.push(record);
    }
  }

  async flush(offsets: ReadonlyMap<string, bigint>): Promise<void> {
    this.#state.flushed.push(...this.#pending);
    this.#pending = [];
    this.#state.flushes.push(new Map(offsets));
  }

  async stop(): Promise<void> {
    this.#pending = [];
  }
}

export const memorySinkPlugin: SinkConnectorPlugin = {
  className: 'io.kstreams.connect.memory.MemorySinkConnector',
  aliases: ['MemorySinkConnector', 'MemorySink'],
  type: 'sink',
  version: '0.1.0',
  configDef: [
    { name: 'memory.sink.id', type: 'STRING', importance: 'HIGH', documentation: 'Name of the in-memory store the records go to.', group: 'Memory', orderInGroup: 1, width: 'MEDIUM', displayName: 'Store id' },
    { name: 'memory.reject.marker', type: 'STRING', defaultValue: '', importance: 'LOW', documentation: 'Records whose value contains this text are reported as errant.', group: 'Memory', orderInGroup: 2, width: 'MEDIUM', displayName: 'Reject marker' },
  ],
  validate(config) {
    return (config['memory.sink.id'] ?? '').includes(' ') ? { 'memory.sink.id': ['Store id may not contain spaces'] } : {};
  },
  taskConfigs(config, maxTasks) {
    return Array.from({ length: maxTasks }, (_, i) => ({ ...config, 'task.id': String(i) }));
  },
  createTask: () => new MemorySinkTask(),
};
