/**
 * Connector and task statuses, and the topics each connector has used, in the status
 * topic with Connect's keys (`status-connector-<name>`, `status-task-<name>-<id>`,
 * `status-topic-<topic>:connector-<name>`), so any worker answers `/status` for the whole
 * cluster. A worker giving a unit up writes UNASSIGNED only if the last status is its own
 * (Connect's `putSafe`), so it cannot overwrite the new owner's RUNNING.
 */

import type { KafkaRecord } from '../../processors/kafka/index.ts';
import type { ConnectState } from '../runtime/lifecycle.ts';
import type { KafkaLog } from './kafka-log.ts';

export interface UnitStatus {
  readonly state: ConnectState;
  readonly trace: string | null;
  readonly worker_id: string;
  readonly generation: number;
}

/**
 * @example
 * ```ts
 * const statuses = new StatusStore();
 * await statuses.putConnector('orders-pg', { state: 'RUNNING', trace: null, worker_id: '127.0.0.1:8083', generation: 3 });
 * statuses.connector('orders-pg')?.state; // 'RUNNING' once read back
 * ```
 */
export class StatusStore {
  readonly #connectors = new Map<string, UnitStatus>();
  readonly #tasks = new Map<string, UnitStatus>();
  readonly #topics = new Map<string, Set<string>>();
  #log: KafkaLog | null = null;

  attach(log: KafkaLog): void {
    this.#log = log;
  }

  connector(name: string): UnitStatus | undefined {
    return this.#connectors.get(name);
  }

  task(name: string, id: number): UnitStatus | undefined {
    return this.#tasks.get(`${name}-${id}`);
  }

  topics(name: string): string[] {
    return [...(this.#topics.get(name) ?? [])].sort();
  }

  async putConnector(name: string, status: UnitStatus, safe = false): Promise<void> {
    if (safe && !this.#mine(this.#connectors.get(name), status)) return;
    this.#connectors.set(name, status);
    await this.#send(`status-connector-${name}`, status);
  }

  async putTask(name: string, id: number, status: UnitStatus, safe = false): Promise<void> {
    if (safe && !this.#mine(this.#tasks.get(`${name}-${id}`), status)) return;
    this.#tasks.set(`${name}-${id}`, status);
    await this.#send(`status-task-${name}-${id}`, status);
  }

  async putTopic(name: string, topic: string, task: number): Promise<void> {
    if (this.#topics.get(name)?.has(topic) === true) return;
    (this.#topics.get(name) ?? this.#topics.set(name, new Set()).get(name) as Set<string>).add(topic);
    await this.#send(`status-topic-${topic}:connector-${name}`, { topic: { name: topic, connector: name, task, discoverTimestamp: Date.now() } });
  }

  async resetTopics(name: string): Promise<void> {
    const topics = this.topics(name);
    this.#topics.delete(name);
    for (const topic of topics) await this.#send(`status-topic-${topic}:connector-${name}`, null);
  }

  /** Forgets a deleted connector's statuses (tombstones, so compaction drops them). */
  async removeConnector(name: string, taskCount: number): Promise<void> {
    this.#connectors.delete(name);
    await this.#send(`status-connector-${name}`, null);
    for (let id = 0; id < taskCount; id++) {
      this.#tasks.delete(`${name}-${id}`);
      await this.#send(`status-task-${name}-${id}`, null);
    }
  }

  apply(record: KafkaRecord): void {
    const key = record.key?.toString('utf8') ?? '';
    let value: Record<string, unknown> | null;
    try {
      value = record.value === null ? null : JSON.parse(record.value.toString('utf8')) as Record<string, unknown>;
    } catch {
      return;
    }
    if (key.startsWith('status-connector-')) this.#set(this.#connectors, key.slice('status-connector-'.length), value);
    else if (key.startsWith('status-task-')) this.#set(this.#tasks, key.slice('status-task-'.length), value);
    else if (key.startsWith('status-topic-')) {
      const match = /^status-topic-(.*):connector-(.*)$/.exec(key);
      if (match === null) return;
      const [, topic, name] = match as unknown as [string, string, string];
      if (value === null) this.#topics.get(name)?.delete(topic);
      else (this.#topics.get(name) ?? this.#topics.set(name, new Set()).get(name) as Set<string>).add(topic);
    }
  }

  #set(map: Map<string, UnitStatus>, id: string, value: Record<string, unknown> | null): void {
    if (value === null) map.delete(id);
    else map.set(id, { state: value['state'] as ConnectState, trace: (value['trace'] as string | null) ?? null, worker_id: String(value['worker_id']), generation: Number(value['generation'] ?? 0) });
  }

  #mine(current: UnitStatus | undefined, next: UnitStatus): boolean {
    return current !== undefined && current.worker_id === next.worker_id;
  }

  async #send(key: string, value: unknown): Promise<void> {
    await (this.#log as KafkaLog).send(key, value === null ? null : Buffer.from(JSON.stringify(value), 'utf8'));
  }
}
