/**
 * The platform on top of a running stack, as README's first command starts it: every
 * e-commerce service (`PLATFORM_INSTANCES` processes each, default 1, each with its gRPC
 * query server), the Connect worker with the read-model connectors, and the gateway,
 * whose query endpoints are the service processes that host each store.
 *
 * Settings: `PLATFORM_*` (the launcher: instances, ports, state and log folders),
 * `ECOMMERCE_*` (the services), `GATEWAY_*` and `CONNECT_*`, all validated by their own
 * schemas; this file only fills in what the stack decides (brokers, registry) and the
 * development JWT secret when none is set.
 *
 * @example
 * ```ts
 * const platform = await startPlatform(endpoints(loadStackConfig()));
 * platform.describe(); // [['gateway', 'http://127.0.0.1:8080'], ...]
 * await platform.stop();
 * ```
 */

import { join } from 'node:path';
import { DEV_JWT_SECRET } from '../demo/demo-config.ts';
import { Platform } from '../platform/services.ts';
import { platformConfig } from '../platform/platform-config.ts';
import { StoreHosts } from '../../topologies/ecommerce/contracts/stores.ts';
import type { ServiceName } from '../../topologies/ecommerce/contracts/stores.ts';
import { ecommerceServiceConfig, ENV_PREFIX } from '../../topologies/ecommerce/service-config.ts';
import { ManagedProcess } from './managed-process.ts';
import { applyReadModels, readModels } from './read-models.ts';

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

const READY_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 30_000;

export async function startPlatform(stack: StackEndpoints, env: NodeJS.ProcessEnv = process.env): Promise<RunningPlatform> {
  const launcher = platformConfig.fromEnv(env, 'PLATFORM');
  // Only the service settings the environment sets: the launcher gives each process its own state folder and endpoint.
  const settings: Record<string, unknown> = { 'bootstrap.servers': stack.kafkaBootstrap, 'schema.registry.url': stack.registryUrl };
  for (const key of Object.keys(ecommerceServiceConfig.fields) as Array<keyof typeof ecommerceServiceConfig.fields>) {
    const value = env[ecommerceServiceConfig.envName(key, ENV_PREFIX)];
    if (value !== undefined && key !== 'state.dir' && key !== 'application.server' && key !== 'group.instance.id') settings[key] = value;
  }
  const prefix = ecommerceServiceConfig.parse(settings)['topic.prefix'];
  const services = await Platform.start(launcher, settings);
  const logDir = launcher['log.dir'];
  const started: ManagedProcess[] = [];
  const stopAll = async (): Promise<void> => {
    await Promise.all(started.map((child) => child.stop(STOP_TIMEOUT_MS)));
    await services.stop();
  };
  try {
    const worker = new ManagedProcess({
      name: 'connect',
      entry: 'connectors/worker-main.ts',
      env: { CONNECT_BOOTSTRAP_SERVERS: stack.kafkaBootstrap },
      logFile: join(logDir, 'connect.log'),
      ready: /^connect worker listening on (\S+)/,
    });
    started.push(worker);
    const connectUrl = await worker.start(READY_TIMEOUT_MS);
    await applyReadModels(connectUrl, readModels({ prefix, postgresUrl: stack.postgresUrl, opensearchUrl: stack.opensearchUrl, registryUrl: stack.registryUrl }));

    const hosts = (service: ServiceName): string => services.processes.filter((p) => p.service === service).map((p) => p.endpoint).join(',');
    const gateway = new ManagedProcess({
      name: 'gateway',
      entry: 'gateway/main.ts',
      env: {
        GATEWAY_JWT_SECRET: env['GATEWAY_JWT_SECRET'] ?? DEV_JWT_SECRET,
        GATEWAY_KAFKA_BOOTSTRAP_SERVERS: stack.kafkaBootstrap,
        GATEWAY_REGISTRY_URL: stack.registryUrl,
        GATEWAY_TOPIC_PREFIX: prefix,
        GATEWAY_ORDER_QUERY_ENDPOINTS: hosts(StoreHosts.orders),
        GATEWAY_INVENTORY_QUERY_ENDPOINTS: hosts(StoreHosts.products),
        GATEWAY_CUSTOMER_QUERY_ENDPOINTS: hosts(StoreHosts.customers),
      },
      logFile: join(logDir, 'gateway.log'),
      ready: /^gateway listening on (\S+)/,
    });
    started.push(gateway);
    const gatewayUrl = await gateway.start(READY_TIMEOUT_MS);
    return {
      describe: () => [
        ['gateway (HTTP)', gatewayUrl],
        ['Connect REST', connectUrl],
        ...services.endpoints().map((p) => [`${p.name} (gRPC queries)`, p.endpoint] as const),
        ['logs', logDir],
      ],
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
