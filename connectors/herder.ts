/**
 * What the REST API asks of the cluster, as Connect's `DistributedHerder`: reads answer
 * from this worker's copy of the config and status topics; writes go to the config topic
 * and are read back before the answer, so a client sees its own change on any worker.
 */

import { ConfigTransformer } from './config/config-transformer.ts';
import { invalidConfigMessage, validateConnectorConfig, type ConfigInfos } from './config/validate.ts';
import { connectorPlugins, findConnectorPlugin, type ConnectorPlugin } from './plugins/plugin-registry.ts';
import type { TargetState } from './runtime/lifecycle.ts';
import { alreadyExists, badRequest, notFound, rebalancing } from './rest/rest-error.ts';
import type { WorkReconciler } from './cluster/work-reconciler.ts';
import type { ConfigStore, ConnectorSnapshot } from './storage/config-store.ts';
import type { StatusStore } from './storage/status-store.ts';
import { taskKey } from './cluster/assignment.ts';
import type { OffsetManager } from './offsets/offset-manager.ts';

export interface ConnectorInfo {
  readonly name: string;
  readonly config: Readonly<Record<string, string>>;
  readonly tasks: ReadonlyArray<{ readonly connector: string; readonly task: number }>;
  readonly type: 'sink' | 'source' | 'unknown';
}

export interface StateInfo {
  readonly state: string;
  readonly worker_id: string;
  readonly trace?: string;
  /** The plugin version the unit runs (Connect 4.x, KIP-891); absent while unassigned. */
  readonly version?: string;
}

export interface ConnectorStateInfo {
  readonly name: string;
  readonly connector: StateInfo;
  readonly tasks: ReadonlyArray<StateInfo & { readonly id: number }>;
  readonly type: 'sink' | 'source' | 'unknown';
}

export type InitialState = 'RUNNING' | 'PAUSED' | 'STOPPED';

const TARGET_OF: Readonly<Record<InitialState, TargetState>> = { RUNNING: 'STARTED', PAUSED: 'PAUSED', STOPPED: 'STOPPED' };

/**
 * @example
 * ```ts
 * const herder = new Herder(configs, statuses, offsets);
 * herder.attach(reconciler);
 * const info = await herder.createConnector('orders-pg', { 'connector.class': 'PostgresSinkConnector', topics: 'orders' });
 * herder.connectorStatus('orders-pg').connector.state; // 'RUNNING' once started
 * ```
 */
export class Herder {
  readonly #configs: ConfigStore;
  readonly #statuses: StatusStore;
  readonly #offsets: OffsetManager;
  readonly #transformer: ConfigTransformer;
  readonly #exactlyOnceSource: boolean;
  #reconciler: WorkReconciler | null = null;

  /** `transformer` resolves config provider references for validation (leniently, as Connect does). */
  constructor(configs: ConfigStore, statuses: StatusStore, offsets: OffsetManager, transformer: ConfigTransformer = new ConfigTransformer(), options: { readonly exactlyOnceSource?: boolean } = {}) {
    this.#exactlyOnceSource = options.exactlyOnceSource === true;
    this.#configs = configs;
    this.#statuses = statuses;
    this.#offsets = offsets;
    this.#transformer = transformer;
  }

  /** The REST server listens before the worker knows its id (port 0), so the reconciler comes later. */
  attach(reconciler: WorkReconciler): void {
    this.#reconciler = reconciler;
  }

  /** True once this worker has joined its cluster. */
  get ready(): boolean {
    return this.#reconciler?.view != null;
  }

  connectors(): string[] {
    return this.#configs.connectors();
  }

  connectorInfo(name: string): ConnectorInfo {
    return infoOf(this.#snapshot(name));
  }

  connectorConfig(name: string): Readonly<Record<string, string>> {
    return this.#snapshot(name).config;
  }

  taskConfigs(name: string): Array<{ id: { connector: string; task: number }; config: Readonly<Record<string, string>> }> {
    return this.#snapshot(name).tasks.map((config, task) => ({ id: { connector: name, task }, config }));
  }

  async createConnector(name: string, config: Record<string, string>, initialState: InitialState = 'RUNNING'): Promise<ConnectorInfo> {
    this.#checkReady();
    if (this.#configs.snapshot(name) !== undefined) throw alreadyExists(`Connector ${name} already exists`);
    await this.#validateOrThrow(config);
    await this.#configs.putConnectorConfig(name, config, TARGET_OF[initialState]);
    await this.#configs.readToEnd();
    return this.connectorInfo(name);
  }

  /** PUT config: creates (created: true) or replaces. */
  async putConnectorConfig(name: string, config: Record<string, string>): Promise<{ created: boolean; info: ConnectorInfo }> {
    this.#checkReady();
    const created = this.#configs.snapshot(name) === undefined;
    await this.#validateOrThrow(config);
    await this.#configs.putConnectorConfig(name, config, created ? 'STARTED' : undefined);
    await this.#configs.readToEnd();
    return { created, info: this.connectorInfo(name) };
  }

  /** PATCH config (KIP-477): merges, a null value removes the key. */
  async patchConnectorConfig(name: string, patch: Readonly<Record<string, string | null>>): Promise<ConnectorInfo> {
    const current = this.#snapshot(name).config;
    const merged: Record<string, string> = { ...current };
    for (const [key, value] of Object.entries(patch)) {
      if (value === null) delete merged[key];
      else merged[key] = value;
    }
    if (patch['name'] !== undefined && patch['name'] !== name) throw badRequest(`Connector name configuration (${patch['name']}) doesn't match connector name in the URL (${name})`);
    merged['name'] = name;
    return (await this.putConnectorConfig(name, merged)).info;
  }

  async deleteConnector(name: string): Promise<void> {
    const snapshot = this.#snapshot(name);
    // Statuses go first, so a re-created connector of the same name starts from nothing.
    await this.#statuses.removeConnector(name, snapshot.tasks.length);
    await this.#configs.removeConnector(name);
    await this.#configs.readToEnd();
  }

  async setTargetState(name: string, target: TargetState): Promise<void> {
    this.#snapshot(name);
    await this.#configs.putTargetState(name, target);
    await this.#configs.readToEnd();
  }

  connectorStatus(name: string): ConnectorStateInfo {
    const snapshot = this.#snapshot(name);
    const work = this.#reconciler?.assignment();
    const connector = this.#statuses.connector(name);
    const version = versionOf(snapshot);
    return {
      name,
      connector: stateOf(connector, work?.connectors.get(name), version),
      tasks: snapshot.tasks.map((_, id) => ({ id, ...stateOf(this.#statuses.task(name, id), work?.tasks.get(taskKey(name, id)), version) })),
      type: typeOf(snapshot),
    };
  }

  taskStatus(name: string, id: number): StateInfo & { id: number } {
    const snapshot = this.#configs.snapshot(name);
    if (snapshot === undefined || !Number.isInteger(id) || id < 0 || id >= snapshot.tasks.length) throw notFound(`No status found for task ${name}-${id}`);
    return { id, ...stateOf(this.#statuses.task(name, id), this.#reconciler?.assignment()?.tasks.get(taskKey(name, id)), versionOf(snapshot)) };
  }

  /** Restarts the connector only (legacy form, 204) or, with either flag, answers the status with RESTARTING marks (202). */
  async restartConnector(name: string, includeTasks: boolean, onlyFailed: boolean): Promise<ConnectorStateInfo> {
    this.#checkReady();
    const status = this.connectorStatus(name);
    const restarts = (state: StateInfo): boolean => !onlyFailed || state.state === 'FAILED';
    // As Connect's restart plan: the state becomes RESTARTING, the trace of the failure stays.
    const marked: ConnectorStateInfo = {
      ...status,
      connector: restarts(status.connector) ? { ...status.connector, state: 'RESTARTING' } : status.connector,
      tasks: status.tasks.map((task) => (includeTasks && restarts(task) ? { ...task, state: 'RESTARTING' } : task)),
    };
    // The answer says RESTARTING; so does the status topic from now on, as Connect's herder
    // records the plan before the owners carry it out.
    const generation = this.#reconciler?.view?.generation ?? 0;
    if (restarts(status.connector)) await this.#statuses.putConnector(name, { state: 'RESTARTING', trace: null, worker_id: status.connector.worker_id, generation });
    for (const task of marked.tasks) if (task.state === 'RESTARTING') await this.#statuses.putTask(name, task.id, { state: 'RESTARTING', trace: null, worker_id: task.worker_id, generation });
    await this.#configs.requestRestart({ connector: name, includeTasks, onlyFailed });
    return marked;
  }

  async restartTask(name: string, id: number): Promise<void> {
    this.#checkReady();
    const snapshot = this.#snapshot(name);
    if (!Number.isInteger(id) || id < 0 || id >= snapshot.tasks.length) throw notFound(`Task ${name}-${id} not found`);
    await this.#configs.requestRestart({ connector: name, task: id, includeTasks: true, onlyFailed: false });
  }

  /** As Connect: read from the status topic whether or not the connector exists (an unknown one has none). */
  activeTopics(name: string): { topics: string[] } {
    return { topics: this.#statuses.topics(name) };
  }

  async resetActiveTopics(name: string): Promise<void> {
    await this.#statuses.resetTopics(name);
  }

  async offsets(name: string): Promise<{ offsets: unknown[] }> {
    return this.#offsets.get(this.#snapshot(name));
  }

  async alterOffsets(name: string, body: unknown): Promise<{ message: string }> {
    const snapshot = this.#stoppedSnapshot(name);
    return this.#offsets.alter(snapshot, body);
  }

  async resetOffsets(name: string): Promise<{ message: string }> {
    return this.#offsets.reset(this.#stoppedSnapshot(name));
  }

  /** Validates the config with its references resolved; the answer shows the references, never what they resolve to. */
  async validate(config: Readonly<Record<string, string>>, plugin: ConnectorPlugin): Promise<ConfigInfos> {
    const resolved = await this.#transformer.transform(config, { strict: false });
    return validateConnectorConfig(resolved.config, plugin, { raw: config, redact: (text) => this.#transformer.redact(text) }, { exactlyOnceSource: this.#exactlyOnceSource });
  }

  #stoppedSnapshot(name: string): ConnectorSnapshot {
    const snapshot = this.#snapshot(name);
    const state = this.#statuses.connector(name)?.state;
    if (snapshot.target !== 'STOPPED' || (state !== undefined && state !== 'STOPPED')) {
      throw badRequest(`Connectors must be in the STOPPED state before their offsets can be modified. This can be done for the specified connector by issuing a 'PUT' request to the '/connectors/${name}/stop' endpoint`);
    }
    return snapshot;
  }

  async #validateOrThrow(config: Readonly<Record<string, string>>): Promise<void> {
    const className = config['connector.class'];
    if (className === undefined || className.trim() === '') throw badRequest(`Connector config ${javaMap(config)} contains no connector type`);
    const plugin = findConnectorPlugin(className);
    if (plugin === undefined) {
      throw badRequest(`Failed to find any class that implements Connector and which name matches ${className}, available connectors are: ${connectorPlugins().map((p) => `PluginDesc{klass=class ${p.className}, name='${p.className}', version='${p.version}', type=${p.type}}`).join(', ')}`);
    }
    const infos = await this.validate(config, plugin);
    if (infos.error_count > 0) throw badRequest(invalidConfigMessage(infos));
  }

  #snapshot(name: string): ConnectorSnapshot {
    const snapshot = this.#configs.snapshot(name);
    if (snapshot === undefined) throw notFound(`Connector ${name} not found`);
    return snapshot;
  }

  #checkReady(): void {
    if (!this.ready) throw rebalancing('Cannot complete request because of a conflicting operation (e.g. worker rebalance)');
  }
}

function infoOf(snapshot: ConnectorSnapshot): ConnectorInfo {
  return { name: snapshot.name, config: snapshot.config, tasks: snapshot.tasks.map((_, task) => ({ connector: snapshot.name, task })), type: typeOf(snapshot) };
}

function typeOf(snapshot: ConnectorSnapshot): 'sink' | 'source' | 'unknown' {
  return findConnectorPlugin(snapshot.config['connector.class'] ?? '')?.type ?? 'unknown';
}

function versionOf(snapshot: ConnectorSnapshot): string | undefined {
  return findConnectorPlugin(snapshot.config['connector.class'] ?? '')?.version;
}

function stateOf(status: { state: string; worker_id: string; trace: string | null } | undefined, owner: string | undefined, version: string | undefined): StateInfo {
  if (status === undefined) return { state: 'UNASSIGNED', worker_id: owner ?? '' };
  return {
    state: status.state,
    ...(status.trace === null ? {} : { trace: status.trace }),
    worker_id: status.worker_id,
    ...(version === undefined ? {} : { version }),
  };
}

function javaMap(config: Readonly<Record<string, string>>): string {
  return `{${Object.entries(config).map(([k, v]) => `${k}=${v}`).join(', ')}}`;
}
