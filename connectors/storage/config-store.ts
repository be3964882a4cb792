/**
 * Connector configs, target states, task configs and restart requests in the config
 * topic, in Connect's record layout (`connector-<name>`, `target-state-<name>`,
 * `task-<name>-<id>`, `commit-<name>`, plain JSON values), so every worker of the cluster
 * — and a restarted one — rebuilds the same snapshot by reading the topic.
 */

import type { KafkaRecord } from '../../processors/kafka/index.ts';
import type { TargetState } from '../runtime/lifecycle.ts';
import type { KafkaLog } from './kafka-log.ts';

export interface ConnectorSnapshot {
  readonly name: string;
  readonly config: Readonly<Record<string, string>>;
  readonly target: TargetState;
  /** Committed task configs (visible once their `commit-<name>` record is read). */
  readonly tasks: ReadonlyArray<Readonly<Record<string, string>>>;
}

export interface RestartRequest {
  readonly connector: string;
  /** undefined: the connector (and, with includeTasks, its tasks); a number: that task only. */
  readonly task?: number;
  readonly includeTasks: boolean;
  readonly onlyFailed: boolean;
}

const parse = (value: Buffer | null): Record<string, unknown> | null => (value === null ? null : JSON.parse(value.toString('utf8')) as Record<string, unknown>);
const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value), 'utf8');

/**
 * @example
 * ```ts
 * const store = new ConfigStore();
 * const log = new KafkaLog(client, admin, producer, { topic: 'connect-configs', partitions: 1, replicationFactor: 1, onRecord: (r) => store.apply(r) });
 * store.attach(log);
 * await log.start();
 * await store.putConnectorConfig('orders-pg', config, 'STARTED');
 * ```
 */
export class ConfigStore {
  readonly #configs = new Map<string, Record<string, string>>();
  readonly #targets = new Map<string, TargetState>();
  readonly #pendingTasks = new Map<string, Map<number, Record<string, string>>>();
  readonly #tasks = new Map<string, Array<Record<string, string>>>();
  readonly #listeners: Array<(restart?: RestartRequest) => void> = [];
  #log: KafkaLog | null = null;
  #live = false;

  attach(log: KafkaLog): void {
    this.#log = log;
  }

  /** Restart requests read while catching up at start are history, not requests: only later ones act. */
  markLive(): void {
    this.#live = true;
  }

  /** Called for every change applied (with the request, for restart requests). */
  onChange(listener: (restart?: RestartRequest) => void): void {
    this.#listeners.push(listener);
  }

  connectors(): string[] {
    return [...this.#configs.keys()].sort();
  }

  snapshot(name: string): ConnectorSnapshot | undefined {
    const config = this.#configs.get(name);
    if (config === undefined) return undefined;
    return { name, config, target: this.#targets.get(name) ?? 'STARTED', tasks: this.#tasks.get(name) ?? [] };
  }

  all(): ConnectorSnapshot[] {
    return this.connectors().map((name) => this.snapshot(name) as ConnectorSnapshot);
  }

  async putConnectorConfig(name: string, config: Readonly<Record<string, string>>, target?: TargetState): Promise<void> {
    if (target !== undefined) await this.#send(`target-state-${name}`, { state: target });
    await this.#send(`connector-${name}`, { properties: config });
  }

  async putTargetState(name: string, target: TargetState): Promise<void> {
    await this.#send(`target-state-${name}`, { state: target });
  }

  async removeConnector(name: string): Promise<void> {
    await this.#send(`connector-${name}`, null);
    await this.#send(`target-state-${name}`, null);
  }

  /** Writes the task configs, then the commit record that makes them visible together. */
  async putTaskConfigs(name: string, tasks: ReadonlyArray<Readonly<Record<string, string>>>): Promise<void> {
    for (const [i, properties] of tasks.entries()) await this.#send(`task-${name}-${i}`, { properties });
    await this.#send(`commit-${name}`, { tasks: tasks.length });
  }

  async requestRestart(request: RestartRequest): Promise<void> {
    const key = request.task === undefined ? `restart-connector-${request.connector}` : `restart-task-${request.connector}-${request.task}`;
    await this.#send(key, { 'include-tasks': request.includeTasks, 'only-failed': request.onlyFailed, at: Date.now() });
  }

  async readToEnd(): Promise<void> {
    await this.#log?.readToEnd();
  }

  /** Applies one record of the config topic. */
  apply(record: KafkaRecord): void {
    const key = record.key?.toString('utf8') ?? '';
    let value: Record<string, unknown> | null;
    try {
      value = parse(record.value);
    } catch {
      return; // not ours; Connect logs and skips such records too
    }
    let restart: RestartRequest | undefined;
    if (key.startsWith('connector-')) {
      const name = key.slice('connector-'.length);
      if (value === null) {
        this.#configs.delete(name);
        this.#tasks.delete(name);
        this.#pendingTasks.delete(name);
      } else this.#configs.set(name, value['properties'] as Record<string, string>);
    } else if (key.startsWith('target-state-')) {
      const name = key.slice('target-state-'.length);
      if (value === null) this.#targets.delete(name);
      else this.#targets.set(name, value['state'] as TargetState);
    } else if (key.startsWith('task-')) {
      const match = /^task-(.*)-(\d+)$/.exec(key);
      if (match === null || value === null) return;
      const name = match[1] as string;
      const pending = this.#pendingTasks.get(name) ?? new Map<number, Record<string, string>>();
      pending.set(Number(match[2]), value['properties'] as Record<string, string>);
      this.#pendingTasks.set(name, pending);
    } else if (key.startsWith('commit-')) {
      const name = key.slice('commit-'.length);
      const count = Number(value?.['tasks'] ?? 0);
      const pending = this.#pendingTasks.get(name) ?? new Map<number, Record<string, string>>();
      const previous = this.#tasks.get(name) ?? [];
      this.#tasks.set(name, Array.from({ length: count }, (_, i) => pending.get(i) ?? previous[i] ?? {}));
      this.#pendingTasks.delete(name);
    } else if (key.startsWith('restart-connector-') && value !== null) {
      restart = { connector: key.slice('restart-connector-'.length), includeTasks: value['include-tasks'] === true, onlyFailed: value['only-failed'] === true };
    } else if (key.startsWith('restart-task-') && value !== null) {
      const match = /^restart-task-(.*)-(\d+)$/.exec(key);
      if (match === null) return;
      restart = { connector: match[1] as string, task: Number(match[2]), includeTasks: true, onlyFailed: false };
    } else return;
    if (restart !== undefined && !this.#live) return;
    for (const listener of this.#listeners) listener(restart);
  }

  async #send(key: string, value: unknown): Promise<void> {
    await (this.#log as KafkaLog).send(key, value === null ? null : json(value));
  }
}
