/**
 * The platform launcher's configuration, validated once at the edge: how many processes
 * of which services, where their query servers listen, where their state and logs go,
 * how long to wait for them. The services' own settings (brokers, registry, topic prefix,
 * deadlines, courier delays…) are the `ECOMMERCE_*` keys of
 * `topologies/ecommerce/service-config.ts`, validated by that schema and handed to every
 * process as environment variables.
 *
 * @example
 * ```ts
 * const config = platformConfig.parse({ instances: 2, 'query.base.port': 50051 });
 * config.services; // ['order', 'inventory', 'payment', 'shipping', 'notification', 'customer']
 * ```
 */

import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { boolean, defineConfig, integer, list, string, type ConfigOf } from '../../common/config.ts';
import { KstError } from '../../common/errors.ts';
import { ApplicationIds, type ServiceName } from '../../topologies/ecommerce/contracts/stores.ts';
import { DEFAULT_STATE_DIR, ecommerceServiceConfig, ENV_PREFIX, type EcommerceServiceConfig } from '../../topologies/ecommerce/service-config.ts';

export const SERVICE_NAMES = Object.keys(ApplicationIds) as ServiceName[];

/** How far above its query port a process's metrics port is when `metrics.base.port` is -1. */
export const METRICS_PORT_OFFSET = 1_000;

/** The first metrics port: as set, or derived from `query.base.port` (-1). */
export function metricsBasePort(config: Pick<PlatformConfig, 'metrics.base.port' | 'query.base.port'>): number {
  const base = config['metrics.base.port'];
  if (base >= 0) return base;
  return config['query.base.port'] === 0 ? 0 : config['query.base.port'] + METRICS_PORT_OFFSET;
}

const fields = {
  instances: integer({ default: 1, min: 1, max: 16, doc: 'Processes per service; they share the service\'s partitions as members of its consumer group.' }),
  services: list({ default: SERVICE_NAMES, doc: `Which services to run: any of ${SERVICE_NAMES.join(', ')}.` }),
  'query.host': string({ default: '127.0.0.1', pattern: /^[^\s:]+$/, doc: 'Host every process advertises as its application.server.' }),
  'query.base.port': integer({ default: 50051, min: 0, max: 65_535, doc: 'Port of the first process\'s query endpoint; the others count up from it, one port per process. 0: every process binds a free port and reports it (tests).' }),
  'metrics.base.port': integer({ default: -1, min: -1, max: 65_535, doc: `Port of the first process's Prometheus metrics server (GET /metrics); the others count up from it, one port per process, in the order of the query ports. 0: every process binds a free port and reports it. -1 (default): derived from the query port, ${METRICS_PORT_OFFSET} above it (50051 → ${50_051 + METRICS_PORT_OFFSET}), or a free port when query.base.port is 0; so launchers started with distinct query ports never collide.` }),
  'state.dir': string({ default: DEFAULT_STATE_DIR, doc: 'Root of the processes\' state: <state.dir>/<service>-<n>, kept across restarts of that process; by default .stack/state of this checkout.' }),
  'log.dir': string({ default: join(tmpdir(), 'kstreams-platform-logs'), doc: 'Each process\'s stdout and stderr are appended to <log.dir>/<service>-<n>.log.' }),
  'ready.timeout.ms': integer({ default: 180_000, min: 1_000, doc: 'How long a process may take to report RUNNING.' }),
  'stop.timeout.ms': integer({ default: 30_000, min: 100, doc: 'How long a process may take to close after SIGTERM before it gets SIGKILL.' }),
  supervise: boolean({ default: true, doc: 'Restart a process that exits unexpectedly (after a backoff), printing the crash and the restart; false: a crashed process stays down (tests that inject crashes and restart processes themselves).' }),
  'restart.backoff.initial.ms': integer({ default: 1_000, min: 0, doc: 'Delay before restarting a crashed process; doubled with each crash in a row.' }),
  'restart.backoff.max.ms': integer({ default: 30_000, min: 0, doc: 'Longest delay before a restart.' }),
  'warm.spare': boolean({ default: true, doc: 'With supervise: keep, per service process, a warm spare (a process of it started ahead, its modules loaded, waiting) that a restart activates instead of starting Node anew; costs one idle process each.' }),
  'restart.backoff.reset.ms': integer({ default: 60_000, min: 0, doc: 'A process healthy this long before it crashes is restarted after the initial delay again.' }),
};

export const platformConfig = defineConfig(fields);

export type PlatformConfig = Omit<ConfigOf<typeof fields>, 'services'> & { readonly services: readonly ServiceName[] };

/** Parses the launcher's keys; an unknown service name fails naming `services`. */
export function parsePlatformConfig(input: Readonly<Record<string, unknown>>): PlatformConfig {
  const config = platformConfig.parse(input);
  const unknown = config.services.filter((name) => !SERVICE_NAMES.includes(name as ServiceName));
  if (unknown.length > 0 || config.services.length === 0) {
    throw new KstError('KST_CONFIG_INVALID', `config "services" must name some of ${SERVICE_NAMES.join(', ')} (got ${JSON.stringify(config.services)})`, { key: 'services', value: config.services });
  }
  const last = config['query.base.port'] === 0 ? 0 : config['query.base.port'] + config.services.length * config.instances - 1;
  if (last > 65_535) throw new KstError('KST_CONFIG_INVALID', `config "query.base.port" leaves no room for ${config.services.length * config.instances} ports`, { key: 'query.base.port', value: config['query.base.port'] });
  const metricsBase = metricsBasePort(config);
  const lastMetrics = metricsBase === 0 ? 0 : metricsBase + config.services.length * config.instances - 1;
  if (lastMetrics > 65_535) throw new KstError('KST_CONFIG_INVALID', `config "metrics.base.port" leaves no room for ${config.services.length * config.instances} ports`, { key: 'metrics.base.port', value: config['metrics.base.port'] });
  return config as PlatformConfig;
}

/** Keys every process gets from the launcher itself, so they are not service settings. */
export const PER_PROCESS = new Set(['state.dir', 'application.server', 'group.instance.id', 'metrics.port']);

/**
 * The services' settings, validated with their own schema, as the `ECOMMERCE_*`
 * variables of a child process (lists comma-separated). Per-process keys are refused:
 * the launcher gives each process its own.
 */
/** With 2+ instances of each service, one standby per stateful task unless set: a failover then restores (almost) nothing. */
export function withStandbyDefault(settings: Readonly<Record<string, unknown>>, instances: number): Readonly<Record<string, unknown>> {
  return settings['num.standby.replicas'] === undefined && instances >= 2 ? { ...settings, 'num.standby.replicas': 1 } : settings;
}

export function serviceEnvironment(settings: Readonly<Record<string, unknown>>): Record<string, string> {
  for (const key of Object.keys(settings)) {
    if (PER_PROCESS.has(key)) throw new KstError('KST_CONFIG_INVALID', `config "${key}" is set per process by the launcher; do not give it as a service setting`, { key, value: settings[key] });
  }
  const parsed: EcommerceServiceConfig = ecommerceServiceConfig.parse(settings);
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (PER_PROCESS.has(key)) continue;
    env[ecommerceServiceConfig.envName(key as keyof EcommerceServiceConfig & string, ENV_PREFIX)] = Array.isArray(value) ? value.join(',') : String(value);
  }
  return env;
}
