/**
 * Makes this worker run exactly its share of the cluster's work: after every cluster
 * view, config change or restart request it compares what runs here with what
 * `spreadWork` gives it, and starts, stops, pauses or restarts connectors and tasks.
 * Runs are serialised, so two changes never reconcile concurrently. The worker that owns
 * a connector generates its task configs and writes them to the config topic (Connect's
 * leader does this for forwarded requests; the config topic is the arbiter either way).
 */

import type { KafkaAdmin, KafkaClientConfig, KafkaProducer } from '../../processors/kafka/index.ts';
import { reverseTransform, type ConfigTransformer } from '../config/config-transformer.ts';
import type { LoggerRegistry } from '../logging/loggers.ts';
import { findConnectorPlugin, type ConnectorPlugin } from '../plugins/plugin-registry.ts';
import { Lifecycle, type ConnectState, type TargetState } from '../runtime/lifecycle.ts';
import { SinkTaskRunner } from '../runtime/sink-task-runner.ts';
import { SourceTaskRunner } from '../runtime/source-task-runner.ts';
import type { OffsetStore } from '../storage/offset-store.ts';
import type { ConfigStore, ConnectorSnapshot, RestartRequest } from '../storage/config-store.ts';
import type { StatusStore } from '../storage/status-store.ts';
import { spreadWork, taskKey, type WorkAssignment } from './assignment.ts';
import { taskInstanceId } from './static-membership.ts';
import type { ClusterView } from './worker-group.ts';
import type { ConnectMetrics } from '../runtime/sink-metrics.ts';

export interface ReconcilerOptions {
  readonly workerId: string;
  readonly configs: ConfigStore;
  readonly statuses: StatusStore;
  readonly client: KafkaClientConfig;
  readonly admin: KafkaAdmin;
  readonly producer: KafkaProducer;
  readonly loggers: LoggerRegistry;
  readonly offsetFlushIntervalMs: number;
  /** Source connectors' offsets (the offsets topic). */
  readonly offsets: OffsetStore;
  /** Exactly-once source support (KIP-618) is enabled: source tasks commit records and offsets in transactions. */
  readonly exactlyOnceSource?: { readonly groupId: string; readonly offsetsTopic: string };
  readonly taskConsumer?: Readonly<Record<string, unknown>>;
  /** Resolves config provider references when a connector or task starts; none: configs run as stored. */
  readonly transformer?: ConfigTransformer;
  /** The worker is a static member: its sink tasks' consumers are static members too. */
  readonly staticMembers?: boolean;
  /** The worker's metrics; each sink task reports into them. */
  readonly metrics?: ConnectMetrics;
}

interface RunningConnector { readonly lifecycle: Lifecycle; readonly configJson: string; target: TargetState }
interface RunningTask { readonly runner: SinkTaskRunner | SourceTaskRunner; readonly configJson: string; restarting: boolean }

const JSON_OF = (value: unknown): string => JSON.stringify(value);

/** Task configs as Connect's worker stores them: the connector's, plus `task.class` and, for a sink, the topics. */
export function taskConfigsOf(plugin: ConnectorPlugin, config: Readonly<Record<string, string>>): Array<Record<string, string>> {
  const max = Math.max(1, Number(config['tasks.max'] ?? '1'));
  return plugin.taskConfigs(config, max).slice(0, max).map((task) => plugin.type === 'source' ? { ...task, 'task.class': `${plugin.className}Task` } : ({
    ...task,
    'task.class': `${plugin.className}Task`,
    ...(config['topics'] !== undefined && config['topics'] !== '' ? { topics: config['topics'] } : { 'topics.regex': config['topics.regex'] ?? '' }),
  }));
}

/**
 * @example
 * ```ts
 * const reconciler = new WorkReconciler({ workerId, configs, statuses, client, admin, producer, loggers, offsetFlushIntervalMs: 1000 });
 * configs.onChange((restart) => reconciler.schedule(restart));
 * reconciler.setView(view);
 * ```
 */
export class WorkReconciler {
  readonly #o: ReconcilerOptions;
  readonly #connectors = new Map<string, RunningConnector>();
  readonly #tasks = new Map<string, RunningTask>();
  #view: ClusterView | null = null;
  #queue: Promise<void> = Promise.resolve();
  #closed = false;

  constructor(options: ReconcilerOptions) {
    this.#o = options;
  }

  get view(): ClusterView | null {
    return this.#view;
  }

  /** Who runs what under the current view, or null before the first view. */
  assignment(): WorkAssignment | null {
    return this.#view === null ? null : spreadWork(this.#view.workers, this.#o.configs.all());
  }

  connectorState(name: string): ConnectState | undefined {
    return this.#connectors.get(name)?.lifecycle.state;
  }

  setView(view: ClusterView): void {
    this.#view = view;
    this.schedule();
  }

  schedule(restart?: RestartRequest): Promise<void> {
    this.#queue = this.#queue.then(() => (this.#closed ? undefined : this.#reconcile(restart))).catch((error: unknown) => {
      this.#o.loggers.get('io.kstreams.connect.runtime.Worker').error(`reconciling failed: ${(error as Error).stack ?? String(error)}`);
    });
    return this.#queue;
  }

  /**
   * Stops everything this worker runs (worker shutdown). Static task consumers stay in
   * their groups, waiting for the worker's restart, unless `leaveGroup`.
   */
  async close(options: { readonly leaveGroup?: boolean } = {}): Promise<void> {
    await this.#queue;
    this.#closed = true;
    await Promise.all([...this.#tasks.keys()].map((key) => this.#stopTask(key, options.leaveGroup === true)));
    for (const name of [...this.#connectors.keys()]) await this.#stopConnector(name);
  }

  async #reconcile(restart?: RestartRequest): Promise<void> {
    const work = this.assignment();
    if (work === null) return;
    const mine = (owner: string | undefined): boolean => owner === this.#o.workerId;
    const snapshots = new Map(this.#o.configs.all().map((s) => [s.name, s]));
    if (restart !== undefined) await this.#restart(restart, work);
    for (const key of [...this.#tasks.keys()]) {
      const [name, id] = splitTask(key);
      const snapshot = snapshots.get(name);
      const wanted = snapshot !== undefined && mine(work.tasks.get(key)) ? JSON_OF([snapshot.config, snapshot.tasks[id]]) : undefined;
      if (wanted !== (this.#tasks.get(key) as RunningTask).configJson) await this.#stopTask(key);
    }
    for (const name of [...this.#connectors.keys()]) {
      const snapshot = snapshots.get(name);
      if (snapshot === undefined || !mine(work.connectors.get(name)) || JSON_OF(snapshot.config) !== (this.#connectors.get(name) as RunningConnector).configJson) {
        await this.#stopConnector(name, snapshot === undefined);
      }
    }
    for (const snapshot of snapshots.values()) {
      if (mine(work.connectors.get(snapshot.name))) await this.#runConnector(snapshot);
      for (let id = 0; id < snapshot.tasks.length; id++) {
        const key = taskKey(snapshot.name, id);
        if (!mine(work.tasks.get(key))) continue;
        const running = this.#tasks.get(key);
        if (running === undefined) this.#startTask(snapshot, id);
        else running.runner.setTarget(snapshot.target);
      }
    }
  }

  async #runConnector(snapshot: ConnectorSnapshot): Promise<void> {
    let running = this.#connectors.get(snapshot.name);
    if (running === undefined) {
      const lifecycle = new Lifecycle(snapshot.name, (state, trace) => void this.#putStatus(snapshot.name, undefined, state, trace));
      running = { lifecycle, configJson: JSON_OF(snapshot.config), target: snapshot.target };
      this.#connectors.set(snapshot.name, running);
    } else if (running.target === snapshot.target && running.lifecycle.state !== 'UNASSIGNED' && running.lifecycle.state !== 'RESTARTING') return;
    running.target = snapshot.target;
    const lifecycle = running.lifecycle;
    if (lifecycle.state === 'FAILED') return;
    try {
      const plugin = findConnectorPlugin(snapshot.config['connector.class'] ?? '');
      if (plugin === undefined) throw new Error(`Failed to find any class that implements Connector and which name matches ${snapshot.config['connector.class']}`);
      // Resolved for the connector, references again in the task configs it writes (Connect's reverse transform).
      const resolved = this.#o.transformer === undefined ? snapshot.config : (await this.#o.transformer.transform(snapshot.config)).config;
      const tasks = snapshot.target === 'STOPPED' ? [] : reverseTransform(snapshot.config, taskConfigsOf(plugin, resolved));
      if (JSON_OF(tasks) !== JSON_OF(snapshot.tasks)) await this.#o.configs.putTaskConfigs(snapshot.name, tasks);
      lifecycle.transition(snapshot.target === 'STARTED' ? 'RUNNING' : snapshot.target);
    } catch (error) {
      lifecycle.fail(error);
    }
  }

  async #stopConnector(name: string, deleted = false): Promise<void> {
    const running = this.#connectors.get(name);
    this.#connectors.delete(name);
    if (running === undefined) return;
    // A deleted connector's statuses were removed by the herder that deleted it.
    if (!deleted) await this.#putStatus(name, undefined, 'UNASSIGNED', null, true);
  }

  #startTask(snapshot: ConnectorSnapshot, id: number): void {
    const key = taskKey(snapshot.name, id);
    const plugin = findConnectorPlugin(snapshot.config['connector.class'] ?? '');
    if (plugin === undefined) return;
    const entry: { restarting: boolean } = { restarting: false };
    // A task stopped to be restarted stays RESTARTING until its successor runs.
    const onState = (state: ConnectState, trace: string | null): void => void (state === 'UNASSIGNED' && entry.restarting ? undefined : this.#putStatus(snapshot.name, id, state, trace, state === 'UNASSIGNED'));
    const onTopic = (topic: string): void => void this.#o.statuses.putTopic(snapshot.name, topic, id).catch(() => undefined);
    const resolve = this.#o.transformer === undefined ? {} : { resolve: resolverOf(this.#o.transformer) };
    const taskName = `${snapshot.name}-${id}`;
    // What both kinds of runner take; the logger is named after the kind, as Connect's WorkerSourceTask and WorkerSinkTask.
    const common = {
      connector: snapshot.name,
      taskId: id,
      connectorConfig: snapshot.config,
      taskConfig: snapshot.tasks[id] ?? {},
      client: this.#o.client,
      admin: this.#o.admin,
      offsetFlushIntervalMs: this.#o.offsetFlushIntervalMs,
      target: snapshot.target,
      onState,
      onTopic,
      ...resolve,
    };
    const logger = (kind: 'Source' | 'Sink'): ReturnType<LoggerRegistry['get']> => this.#o.loggers.get(`io.kstreams.connect.runtime.Worker${kind}Task.${snapshot.name}`, { connector: snapshot.name, task: taskName });
    const runner = plugin.type === 'source' ? new SourceTaskRunner({
      ...common,
      plugin,
      offsets: this.#o.offsets,
      ...(this.#o.exactlyOnceSource === undefined ? {} : { exactlyOnce: { transactionalId: `${this.#o.exactlyOnceSource.groupId}-${snapshot.name}-${id}`, offsetsTopic: this.#o.exactlyOnceSource.offsetsTopic } }),
      logger: logger('Source'),
    }) : new SinkTaskRunner({
      ...common,
      plugin,
      ...(this.#o.taskConsumer === undefined ? {} : { consumer: this.#o.taskConsumer }),
      ...(this.#o.staticMembers === true ? { groupInstanceId: taskInstanceId(snapshot.name, id) } : {}),
      producer: this.#o.producer,
      logger: logger('Sink'),
      ...(this.#o.metrics === undefined ? {} : { metrics: this.#o.metrics.task(snapshot.name, id) }),
    });
    this.#tasks.set(key, Object.assign(entry, { runner, configJson: JSON_OF([snapshot.config, snapshot.tasks[id]]) }));
    runner.start();
  }

  /** A task stopped while the worker goes on (moved, reconfigured, deleted) leaves its group: its partitions move at once. */
  async #stopTask(key: string, leaveGroup = true): Promise<void> {
    const running = this.#tasks.get(key);
    this.#tasks.delete(key);
    await running?.runner.stop({ leaveGroup });
  }

  async #restart(request: RestartRequest, work: WorkAssignment): Promise<void> {
    const snapshot = this.#o.configs.snapshot(request.connector);
    if (snapshot === undefined) return;
    if (request.task === undefined && work.connectors.get(request.connector) === this.#o.workerId) {
      const running = this.#connectors.get(request.connector);
      if (running !== undefined && (!request.onlyFailed || running.lifecycle.state === 'FAILED')) running.lifecycle.transition('RESTARTING');
    }
    if (!request.includeTasks) return;
    for (let id = 0; id < snapshot.tasks.length; id++) {
      if (request.task !== undefined && request.task !== id) continue;
      const key = taskKey(request.connector, id);
      const running = this.#tasks.get(key);
      if (work.tasks.get(key) !== this.#o.workerId || running === undefined) continue;
      if (request.onlyFailed && running.runner.lifecycle.state !== 'FAILED') continue;
      running.restarting = true;
      await this.#putStatus(request.connector, id, 'RESTARTING', null);
      await this.#stopTask(key);
    }
  }

  async #putStatus(name: string, task: number | undefined, state: ConnectState, trace: string | null, safe = false): Promise<void> {
    const status = { state, trace: this.#o.transformer?.redact(trace) ?? trace, worker_id: this.#o.workerId, generation: this.#view?.generation ?? 0 };
    try {
      if (task === undefined) await this.#o.statuses.putConnector(name, status, safe);
      else await this.#o.statuses.putTask(name, task, status, safe);
    } catch (error) {
      this.#o.loggers.get('io.kstreams.connect.runtime.Worker').warn(`writing the status of ${name}${task === undefined ? '' : `-${task}`} failed: ${(error as Error).message}`);
    }
  }
}

const resolverOf = (transformer: ConfigTransformer) => async (config: Readonly<Record<string, string>>): Promise<Record<string, string>> => (await transformer.transform(config)).config;

function splitTask(key: string): [string, number] {
  const cut = key.lastIndexOf('-');
  return [key.slice(0, cut), Number(key.slice(cut + 1))];
}
