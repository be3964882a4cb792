/**
 * The platform on top of a running stack, as README's first command starts it: every
 * e-commerce service (`PLATFORM_INSTANCES` processes each, default 1, each with its gRPC
 * query server), the Connect worker with the read-model connectors and the notification
 * templates source (its table created here, see notification-templates.ts), and the gateway,
 * whose query endpoints are the service processes that host each store. Every one of these
 * processes is supervised: one that exits unexpectedly is printed (exit code or signal,
 * last log lines) and restarted after a backoff (1 s doubling to 30 s, reset after a minute
 * healthy), with the time it took to be healthy again (services: gRPC health SERVING;
 * the gateway: `GET /health`; the worker: its REST root) and, for a service, to process
 * records again. `stop()` restarts nothing.
 *
 * The gateway's ops page (`/ops`) is given every service process to start from; with the
 * development secret, `describe()` also gives an admin token for it, valid for an hour.
 *
 * Settings: `PLATFORM_*` (the launcher: instances, ports, state and log folders),
 * `ECOMMERCE_*` (the services), `GATEWAY_*` and `CONNECT_*`, all validated by their own
 * schemas; this file only fills in what the stack decides (brokers, registry) and the
 * token key material (`auth-env.ts`): the gateway's, also given to every query server so
 * they authenticate calls, or the development JWT secret, with a loud warning, when none
 * is set.
 *
 * @example
 * ```ts
 * const platform = await startPlatform(endpoints(loadStackConfig()));
 * platform.describe(); // [['gateway (HTTP)', 'http://127.0.0.1:8080'], ...]
 * await platform.stop();
 * ```
 */

import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseProperties } from '../../connectors/config/properties-file.ts';
import { signToken } from '../../gateway/auth/jwt.ts';
import { DEV_JWT_SECRET } from '../../gateway/auth/settings.ts';
import { loadStackConfig } from '../stack/config.ts';
import { Platform } from '../platform/services.ts';
import { PER_PROCESS, platformConfig } from '../platform/platform-config.ts';
import { SupervisionReport } from '../platform/supervision/supervision-report.ts';
import { Supervisor } from '../platform/supervision/supervisor.ts';
import { StoreHosts } from '../../topologies/ecommerce/contracts/stores.ts';
import type { ServiceName } from '../../topologies/ecommerce/contracts/stores.ts';
import { ecommerceServiceConfig, ENV_PREFIX } from '../../topologies/ecommerce/service-config.ts';
import { ManagedProcess } from './managed-process.ts';
import { platformAuth, signInKeyEnv } from './auth-env.ts';
import { applyReadModels, auditTable, readModelWorkerEnv, readModels } from './read-models.ts';
import { ensureProductsIndex } from './search-index.ts';
import { productsIndex } from '../../topologies/ecommerce/contracts/product-search-index.ts';
import { ensureTemplatesTable, templateSources } from './notification-templates.ts';

export interface StackEndpoints {
  readonly kafkaBootstrap: string;
  readonly registryUrl: string;
  readonly opensearchUrl: string;
  readonly postgresUrl: string;
}

export interface RunningPlatform {
  /** What listens where, for printing: [what, address]. */
  describe(): Array<readonly [string, string]>;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Where supervision lines go (crashes, restarts, time to healthy); default: stdout. */
  readonly print?: (line: string) => void;
}

const STOP_TIMEOUT_MS = 30_000;

/** When the worker's REST API needs basic auth (CONNECT_REST_BASIC_AUTH_USERS_FILE), the first user of its file. */
function restAuthorization(env: NodeJS.ProcessEnv): string | undefined {
  const file = env['CONNECT_REST_BASIC_AUTH_USERS_FILE'];
  if (file === undefined || file === '') return undefined;
  const first = [...parseProperties(readFileSync(file, 'utf8'))][0];
  return first === undefined ? undefined : `Basic ${Buffer.from(`${first[0]}:${first[1]}`).toString('base64')}`;
}

export async function startPlatform(stack: StackEndpoints, env: NodeJS.ProcessEnv = process.env, options: StartOptions = {}): Promise<RunningPlatform> {
  const launcher = platformConfig.fromEnv(env, 'PLATFORM');
  // Only the service settings the environment sets: the launcher gives each process its own state folder and endpoint.
  const settings: Record<string, unknown> = { 'bootstrap.servers': stack.kafkaBootstrap, 'schema.registry.url': stack.registryUrl };
  for (const key of Object.keys(ecommerceServiceConfig.fields) as Array<keyof typeof ecommerceServiceConfig.fields>) {
    const value = env[ecommerceServiceConfig.envName(key, ENV_PREFIX)];
    if (value !== undefined && !PER_PROCESS.has(key)) settings[key] = value;
  }
  const prefix = ecommerceServiceConfig.parse(settings)['topic.prefix'];
  const auth = platformAuth(env);
  for (const line of auth.warnings) console.warn(line);
  const print = options.print ?? console.log;
  const services = await Platform.start(launcher, settings, { env: auth.query, print });
  const logDir = launcher['log.dir'];
  const report = new SupervisionReport(print);
  const supervised = (child: ManagedProcess): Supervisor => new Supervisor(child, {
    probe: () => child.probe(),
    report: report.of(child.name),
    readyTimeoutMs: launcher['ready.timeout.ms'],
    backoff: { initialMs: launcher['restart.backoff.initial.ms'], maxMs: launcher['restart.backoff.max.ms'], resetAfterMs: launcher['restart.backoff.reset.ms'] },
  });
  const started: Supervisor[] = [];
  // All at once, so that no supervisor takes another's shutdown for a crash.
  const stopAll = async (): Promise<void> => {
    await Promise.all([...started.map((supervisor) => supervisor.stop(STOP_TIMEOUT_MS)), services.stop()]);
  };
  try {
    // Secrets for the connectors' ${file:…} / ${dir:…} references live under the stack's data folder.
    const secretsDir = join(loadStackConfig(env).home, 'secrets');
    mkdirSync(secretsDir, { recursive: true, mode: 0o700 });
    const worker = new ManagedProcess({
      name: 'connect',
      entry: 'connectors/worker-main.ts',
      env: { CONNECT_BOOTSTRAP_SERVERS: stack.kafkaBootstrap, ...readModelWorkerEnv(stack.postgresUrl, secretsDir) },
      logFile: join(logDir, 'connect.log'),
      ready: /^connect worker listening on (\S+)/,
      healthPath: '/',
      portVariable: 'CONNECT_REST_PORT',
    });
    started.push(supervised(worker));
    await started.at(-1)?.start();
    const connectUrl = worker.address;
    await ensureTemplatesTable(stack.postgresUrl, prefix);
    const connectors = { ...readModels({ prefix, postgresUrl: stack.postgresUrl, opensearchUrl: stack.opensearchUrl, registryUrl: stack.registryUrl }), ...templateSources({ prefix, postgresUrl: stack.postgresUrl }) };
    // Before the sink writes: an index it created itself would be mapped dynamically.
    await ensureProductsIndex(stack.opensearchUrl, prefix);
    await applyReadModels(connectUrl, connectors, undefined, restAuthorization(env));

    // A store whose services the launcher does not run (PLATFORM_SERVICES) keeps the gateway's default endpoints.
    const hosts = (variable: string, service: ServiceName): Record<string, string> => {
      const endpoints = services.processes.filter((p) => p.service === service).map((p) => p.endpoint).join(',');
      return endpoints === '' ? {} : { [variable]: endpoints };
    };
    const gateway = new ManagedProcess({
      name: 'gateway',
      entry: 'gateway/main.ts',
      env: {
        ...auth.gateway,
        ...signInKeyEnv(env, loadStackConfig(env).home, print),
        GATEWAY_AUDIT_POSTGRES_URL: stack.postgresUrl,
        GATEWAY_AUDIT_TABLE: auditTable(prefix),
        GATEWAY_SEARCH_URL: stack.opensearchUrl,
        GATEWAY_SEARCH_INDEX: productsIndex(prefix),
        GATEWAY_KAFKA_BOOTSTRAP_SERVERS: stack.kafkaBootstrap,
        GATEWAY_REGISTRY_URL: stack.registryUrl,
        GATEWAY_TOPIC_PREFIX: prefix,
        ...hosts('GATEWAY_ORDER_QUERY_ENDPOINTS', StoreHosts.orders),
        ...hosts('GATEWAY_INVENTORY_QUERY_ENDPOINTS', StoreHosts.products),
        ...hosts('GATEWAY_CUSTOMER_QUERY_ENDPOINTS', StoreHosts.customers),
        ...hosts('GATEWAY_ANALYTICS_QUERY_ENDPOINTS', StoreHosts.salesByProduct),
        ...hosts('GATEWAY_CART_QUERY_ENDPOINTS', StoreHosts.carts),
        // The ops page starts from every process (it finds restarted ones again through the host tables).
        GATEWAY_OPS_ENDPOINTS: services.processes.map((p) => p.endpoint).join(','),
      },
      logFile: join(logDir, 'gateway.log'),
      ready: /^gateway listening on (\S+)/,
      healthPath: '/health',
      portVariable: 'GATEWAY_HTTP_PORT',
    });
    started.push(supervised(gateway));
    await started.at(-1)?.start();
    // With the public development secret, an admin token for the ops page (it asks for one); an hour is the gateway's default cap.
    const opsToken = auth.usesDevSecret && auth.gateway['GATEWAY_JWT_SECRET'] === DEV_JWT_SECRET
      ? await signToken({ sub: 'ops', role: 'admin', lifetimeS: 3_600 }, DEV_JWT_SECRET) : undefined;
    return {
      describe: () => [
        ['gateway (HTTP)', gateway.address],
        ['ops page', `${gateway.address}/ops`],
        ...(opsToken === undefined ? [] : [['ops admin token (1 h)', opsToken] as const]),
        ['Connect REST', connectUrl],
        ...services.endpoints().map((p) => [`${p.name} (gRPC queries)`, p.endpoint] as const),
        ['gateway (metrics)', `${gateway.address}/metrics`],
        ['Connect (metrics)', `${connectUrl}/metrics`],
        ...services.endpoints().map((p) => [`${p.name} (metrics)`, p.metrics] as const),
        ['logs', logDir],
      ],
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
