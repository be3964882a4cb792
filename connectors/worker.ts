/**
 * A Connect worker: joins its cluster (`group.id`), keeps the config and status topics,
 * runs its share of connectors and tasks, and serves the Connect REST API. Several
 * workers with the same group id share the work; stopping one moves its tasks to the
 * others.
 */

import type { FastifyInstance } from 'fastify';
import { KstError } from '../common/errors.ts';
import { KafkaAdmin, KafkaProducer, kafkaClientConfig, securitySettingsOf, type KafkaClientConfig } from '../processors/kafka/index.ts';
import { WorkReconciler } from './cluster/work-reconciler.ts';
import { WorkerGroup } from './cluster/worker-group.ts';
import { workerConfig, type WorkerConfig } from './config/worker-config.ts';
import { configTransformerFrom, isProviderKey } from './config/config-providers.ts';
import type { ConfigTransformer } from './config/config-transformer.ts';
import { Herder } from './herder.ts';
import { BasicAuth } from './rest/basic-auth.ts';
import { LoggerRegistry, type Level, type LogSink } from './logging/loggers.ts';
import { OffsetManager } from './offsets/offset-manager.ts';
import { ConnectMetrics } from './runtime/sink-metrics.ts';
import { buildRestServer } from './rest/rest-server.ts';
import { CONNECT_VERSION } from './version.ts';
import { ConfigStore } from './storage/config-store.ts';
import { KafkaLog } from './storage/kafka-log.ts';
import { OffsetStore } from './storage/offset-store.ts';
import { StatusStore } from './storage/status-store.ts';

/** The Connect version whose REST API this worker speaks. */
export const CONNECT_API_VERSION = CONNECT_VERSION;
const COMMIT = 'kstreams-ts';

export interface WorkerOptions {
  /** Consumer settings for every sink task (tests shorten session timeouts). */
  readonly taskConsumer?: Readonly<Record<string, unknown>>;
  /** Where log lines go; console by default (see logging/loggers.ts for the JSON sink). */
  readonly logSink?: LogSink;
  /** Add Node's process metrics to `metrics`; default true. */
  readonly processMetrics?: boolean;
  /** Answers `kafka_cluster_id` in `GET /`; by default the id the brokers report in their metadata. */
  readonly kafkaClusterId?: () => Promise<string>;
  /**
   * Static membership (`CONNECT_GROUP_INSTANCE_ID`, see cluster/static-membership.ts): the
   * worker and its sink tasks' consumers keep their places across a restart within the
   * session timeout. Needs a fixed `rest.port` (the worker id must not change).
   */
  readonly groupInstanceId?: string;
}

/**
 * @example
 * ```ts
 * const worker = new Worker({ 'bootstrap.servers': '127.0.0.1:9092', 'group.id': 'connect-cluster', 'rest.port': 8083 });
 * await worker.start();
 * console.log(worker.url); // http://127.0.0.1:8083
 * await worker.stop();
 * ```
 */
export class Worker {
  readonly config: WorkerConfig;
  readonly loggers: LoggerRegistry;
  /** Its Prometheus metrics (sink tasks, the process), served at `GET /metrics`. */
  readonly metrics: ConnectMetrics;
  /** Resolves `${provider:[path:]key}` references in connector configs (`config.providers`). */
  readonly transformer: ConfigTransformer;
  readonly #auth: BasicAuth | undefined;
  readonly #options: WorkerOptions;
  readonly #client: KafkaClientConfig;
  #admin: KafkaAdmin | null = null;
  #producer: KafkaProducer | null = null;
  #logs: KafkaLog[] = [];
  #group: WorkerGroup | null = null;
  #reconciler: WorkReconciler | null = null;
  #rest: FastifyInstance | null = null;
  #url = '';
  #workerId = '';

  /** Validates the config, builds the config providers and reads the REST credentials (throws `KST_CONFIG_INVALID` naming the key). */
  constructor(config: Readonly<Record<string, unknown>>, options: WorkerOptions = {}) {
    const own: Record<string, unknown> = {};
    const providers: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(config)) (isProviderKey(key) ? providers : own)[key] = value;
    this.config = workerConfig.parse(own);
    this.transformer = configTransformerFrom(this.config['config.providers'], providers);
    const usersFile = this.config['rest.basic.auth.users.file'];
    this.#auth = usersFile === '' ? undefined : BasicAuth.fromFile(usersFile);
    this.#options = options;
    this.loggers = new LoggerRegistry(this.config['log.level'] as Level, options.logSink);
    this.metrics = new ConnectMetrics(options.processMetrics === false ? { processMetrics: false } : {});
    if (options.groupInstanceId !== undefined && this.config['rest.port'] === 0) {
      throw new KstError('KST_CONFIG_INVALID', 'config "group.instance.id" needs a fixed rest.port: the worker id (host:port) must stay the same across restarts', { key: 'group.instance.id', value: options.groupInstanceId });
    }
    this.#client = kafkaClientConfig.parse({ ...securitySettingsOf(this.config), 'bootstrap.servers': this.config['bootstrap.servers'], 'client.id': this.config['client.id'], retries: 10, 'retry.backoff.ms': 200 });
  }

  /** `http://host:port` of the REST API, once started. */
  get url(): string {
    return this.#url;
  }

  /** The id statuses name this worker by (`host:port`). */
  get workerId(): string {
    return this.#workerId;
  }

  async start(): Promise<void> {
    const c = this.config;
    const log = this.loggers.get('io.kstreams.connect.runtime.Worker');
    this.#admin = new KafkaAdmin(this.#client);
    this.#producer = new KafkaProducer(this.#client);
    const configs = new ConfigStore();
    const statuses = new StatusStore();
    const configLog = new KafkaLog(this.#client, this.#admin, this.#producer, { topic: c['config.storage.topic'], partitions: 1, replicationFactor: c['config.storage.replication.factor'], onRecord: (r) => configs.apply(r) });
    const statusLog = new KafkaLog(this.#client, this.#admin, this.#producer, { topic: c['status.storage.topic'], partitions: c['status.storage.partitions'], replicationFactor: c['status.storage.replication.factor'], onRecord: (r) => statuses.apply(r) });
    const sourceOffsets = new OffsetStore();
    const exactlyOnce = c['exactly.once.source.support'] === 'enabled';
    const offsetLog = new KafkaLog(this.#client, this.#admin, this.#producer, { topic: c['offset.storage.topic'], partitions: c['offset.storage.partitions'], replicationFactor: c['offset.storage.replication.factor'], onRecord: (r) => sourceOffsets.apply(r), ...(exactlyOnce ? { isolation: 'read_committed' as const } : {}) });
    configs.attach(configLog);
    statuses.attach(statusLog);
    sourceOffsets.attach(offsetLog);
    await Promise.all([configLog.start(), statusLog.start(), offsetLog.start()]);
    this.#logs = [configLog, statusLog, offsetLog];
    configs.markLive();

    // The REST server listens first: with port 0 the worker id is only known afterwards.
    const offsets = new OffsetManager(this.#admin, sourceOffsets);
    const admin = this.#admin;
    // Asked once: a cluster id never changes, and a failed look-up is retried on the next GET /.
    let clusterId: Promise<string> | null = null;
    const kafkaClusterId = this.#options.kafkaClusterId ?? (() => (clusterId ??= admin.clusterId().catch((error: unknown) => {
      clusterId = null;
      throw error;
    })));
    const herder = new Herder(configs, statuses, offsets, this.transformer, { exactlyOnceSource: exactlyOnce });
    this.#rest = buildRestServer({ herder, loggers: this.loggers, metrics: this.metrics.registry, info: { version: CONNECT_API_VERSION, commit: COMMIT, kafkaClusterId }, ...(this.#auth === undefined ? {} : { auth: this.#auth }) });
    const address = await this.#rest.listen({ host: c['rest.host.name'], port: c['rest.port'] });
    const port = Number(new URL(address).port);
    const host = c['rest.advertised.host.name'] === '' ? c['rest.host.name'] : c['rest.advertised.host.name'];
    this.#workerId = `${host}:${port}`;
    this.#url = `http://${host}:${port}`;

    const reconciler = new WorkReconciler({
      workerId: this.#workerId, configs, statuses, client: this.#client, admin: this.#admin, producer: this.#producer, loggers: this.loggers, metrics: this.metrics,
      offsetFlushIntervalMs: c['offset.flush.interval.ms'],
      offsets: sourceOffsets,
      ...(exactlyOnce ? { exactlyOnceSource: { groupId: c['group.id'], offsetsTopic: c['offset.storage.topic'] } } : {}),
      transformer: this.transformer,
      staticMembers: this.#options.groupInstanceId !== undefined,
      ...(this.#options.taskConsumer === undefined ? {} : { taskConsumer: this.#options.taskConsumer }),
    });
    herder.attach(reconciler);
    this.#reconciler = reconciler;
    configs.onChange((restart) => void reconciler.schedule(restart));
    this.#group = new WorkerGroup({
      client: this.#client, groupId: c['group.id'], configTopic: c['config.storage.topic'], workerId: this.#workerId, url: this.#url,
      sessionTimeoutMs: c['session.timeout.ms'], heartbeatIntervalMs: c['heartbeat.interval.ms'], rebalanceTimeoutMs: c['rebalance.timeout.ms'],
      ...(this.#options.groupInstanceId === undefined ? {} : { groupInstanceId: this.#options.groupInstanceId }),
      onView: (view) => {
        log.info(`joined ${c['group.id']} generation ${view.generation}: workers ${view.workers.join(', ')}, leader ${view.leader}`);
        reconciler.setView(view);
      },
      onError: (error) => log.warn(`cluster membership: ${(error as Error).message}`),
    });
    this.#group.start();
    log.info(`worker ${this.#workerId} started (REST ${this.#url})`);
  }

  /**
   * Stops tasks (committing flushed offsets), leaves the cluster, closes the REST server.
   * A static worker (`groupInstanceId`) stays in its groups, so its restart is no
   * rebalance; `leaveGroup` (scale-down) makes it leave them at once.
   */
  async stop(options: { readonly leaveGroup?: boolean } = {}): Promise<void> {
    await this.#reconciler?.close(options);
    await this.#group?.stop(options);
    await this.#rest?.close();
    await Promise.all(this.#logs.map((l) => l.stop()));
    await this.#producer?.close();
    await this.#admin?.close();
  }
}
