/**
 * The worker's own settings (Connect's distributed worker properties), validated once
 * at start: keys as Connect names them, read from `CONNECT_*` environment variables by
 * `worker-main.ts` (e.g. `CONNECT_GROUP_ID`, `CONNECT_REST_PORT`).
 */

import { defineConfig, integer, list, oneOf, string, type ConfigOf } from '../../common/config.ts';
import { securityFields } from '../../processors/kafka/index.ts';
import { providerSettingsFromEnv } from './config-providers.ts';

export const workerConfig = defineConfig({
  'bootstrap.servers': list({ default: ['127.0.0.1:9092'], doc: 'Kafka brokers the worker and its tasks connect to.' }),
  'group.id': string({ default: 'connect-cluster', doc: 'The worker cluster: workers with the same group id share connectors and tasks.' }),
  'config.storage.topic': string({ default: 'connect-configs', doc: 'Compacted topic holding connector configs, target states and task configs.' }),
  'status.storage.topic': string({ default: 'connect-status', doc: 'Compacted topic holding connector and task statuses.' }),
  'offset.storage.topic': string({ default: 'connect-offsets', doc: 'Compacted topic of source connector offsets, keyed as Connect keys them (["<connector>", {source partition}]); sink offsets live in the consumer groups.' }),
  'config.storage.replication.factor': integer({ default: -1, min: -1, doc: 'Replication factor of the config topic when created; -1: the broker default.' }),
  'status.storage.replication.factor': integer({ default: -1, min: -1, doc: 'Replication factor of the status topic when created; -1: the broker default.' }),
  'offset.storage.replication.factor': integer({ default: -1, min: -1, doc: 'Replication factor of the offset topic when created; -1: the broker default.' }),
  'status.storage.partitions': integer({ default: 5, min: 1, doc: 'Partitions of the status topic when created.' }),
  'offset.storage.partitions': integer({ default: 25, min: 1, doc: 'Partitions of the offset topic when created.' }),
  'rest.host.name': string({ default: '127.0.0.1', doc: 'Address the REST API binds to.' }),
  'rest.port': integer({ default: 8083, min: 0, max: 65535, doc: 'Port of the REST API; 0 picks a free one (tests).' }),
  'rest.advertised.host.name': string({ default: '', doc: 'Host other workers and status entries name this worker by; empty: rest.host.name.' }),
  'offset.flush.interval.ms': integer({ default: 60_000, min: 1, doc: 'How often sink tasks flush and commit offsets, and source tasks store theirs (without exactly-once source support).' }),
  'exactly.once.source.support': oneOf(['disabled', 'preparing', 'enabled'] as const, { default: 'disabled', doc: 'KIP-618: enabled runs every source task with a transactional producer (transactional id <group.id>-<connector>-<task>) that commits each poll\'s records and their offsets in one transaction; the offsets topic is then read read_committed. preparing behaves as disabled (there is no older worker to roll from).' }),
  'session.timeout.ms': integer({ default: 10_000, min: 1_000, doc: 'A worker not heard from for this long leaves the cluster and its work moves.' }),
  'heartbeat.interval.ms': integer({ default: 3_000, min: 100, doc: 'Worker heartbeat period in the cluster group.' }),
  'rebalance.timeout.ms': integer({ default: 60_000, min: 1_000, doc: 'How long the cluster group waits for workers to rejoin in a rebalance.' }),
  'client.id': string({ default: 'connect', pattern: /^[A-Za-z0-9._-]+$/, doc: 'Client id prefix of the worker\'s Kafka clients.' }),
  'log.level': string({ default: 'INFO', pattern: /^(OFF|FATAL|ERROR|WARN|INFO|DEBUG|TRACE)$/, doc: 'Root log level (changeable at runtime through /admin/loggers).' }),
  // TLS and SASL of the worker's clients and, unless a connector overrides them (consumer.override.*), its tasks'.
  ...securityFields,
  'config.providers': list({ default: [], doc: 'Names of the config providers connector configs may reference as ${name:[path:]key}; each needs config.providers.<name>.class (FileConfigProvider, DirectoryConfigProvider, EnvVarConfigProvider) and takes config.providers.<name>.param.* (allowed.paths, allowlist.pattern).' }),
  'rest.basic.auth.users.file': string({ default: '', doc: 'A properties file of user=password lines (Connect\'s PropertyFileLoginModule format): when set, every REST route but GET / needs HTTP basic auth with one of them. Empty: no auth.' }),
});

export type WorkerConfig = ConfigOf<typeof workerConfig.fields>;

/**
 * The settings the environment gives (`CONNECT_*`), as the Worker takes them: only what is
 * set (a parsed config would hand it defaults), plus the `config.providers.<name>.*` keys
 * of the providers `CONNECT_CONFIG_PROVIDERS` names. Invalid values throw naming the
 * variable.
 */
export function workerSettingsFromEnv(env: Readonly<Record<string, string | undefined>>, prefix = 'CONNECT'): Record<string, string> {
  const parsed = workerConfig.fromEnv(env, prefix);
  const set: Record<string, string> = {};
  for (const key of Object.keys(workerConfig.fields) as Array<keyof typeof workerConfig.fields>) {
    const value = env[workerConfig.envName(key, prefix)];
    if (value !== undefined && value !== '') set[key] = value;
  }
  return { ...set, ...providerSettingsFromEnv(env, parsed['config.providers'], prefix) };
}
