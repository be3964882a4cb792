/**
 * The life of one service process, shared by its entries (`main.ts`, and the gateway's
 * `service-main.ts` which adds a query server): validate the name and the `ECOMMERCE_*`
 * settings, create the service, start it and run until SIGTERM/SIGINT.
 *
 * Stdout is a contract with launchers (`scripts/platform/`): one `<application id>
 * started` line once the client runs, then one `<application id> state <STATE>` line per
 * client state change, so a launcher can wait for RUNNING without polling anything, and
 * one `<application id> processing: first records (<n>) <ms> ms after process start`
 * once it has processed records (how a launcher sees a restarted process work again), and
 * one `<application id> metrics on http://host:port/metrics` once its Prometheus metrics
 * server listens (`ECOMMERCE_METRICS_PORT`, 0: a free port). Everything else on stdout is
 * the JSON log (pino, `ECOMMERCE_LOG_LEVEL`; see observability/service-log.ts). A
 * client that ends in ERROR exits with code 70, so a supervisor sees the failure; invalid
 * settings exit with 78 and a message naming the key and its variable.
 *
 * @example
 * ```ts
 * await runServiceProcess(process.argv[2], 'node topologies/ecommerce/main.ts');
 * ```
 */

import { isKstError } from '../../common/errors.ts';
import type { ClientState } from '../../processors/client/index.ts';
import { watchFirstRecords } from './first-records.ts';
import { ApplicationIds, type ServiceName } from './contracts/stores.ts';
import { MetricsServer } from './observability/metrics-server.ts';
import { engineLogger, serviceLog } from './observability/service-log.ts';
import { createService, type PreparedService, type RunningService } from './run-service.ts';
import { ecommerceServiceConfig, ENV_PREFIX } from './service-config.ts';

export interface ServiceProcessHooks {
  /** Settings that override the environment's (the query server's endpoint). */
  readonly overrides?: Readonly<Record<string, unknown>>;
  /** Called with each client state (e.g. to answer health checks). */
  stateChanged?(state: ClientState): void;
  /** Called with the created client before it starts (e.g. to serve queries from it). */
  beforeStart?(service: RunningService): void;
  /** Closed together with the service. */
  close?(): Promise<void>;
  /** Topics and schemas prepared ahead (a warm spare), see `prepareService`. */
  readonly prepared?: Promise<PreparedService>;
}

function fail(message: string, code: number): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

/** Validates `name` and the environment; exits with 64 or 78 when they are not usable. */
export function serviceSettings(name: string | undefined, usage: string): { readonly name: ServiceName; readonly settings: Record<string, unknown> } {
  if (name === undefined || !Object.hasOwn(ApplicationIds, name)) fail(`usage: ${usage} <${Object.keys(ApplicationIds).join('|')}>`, 64);
  try {
    return { name: name as ServiceName, settings: { ...ecommerceServiceConfig.fromEnv(process.env, ENV_PREFIX) } };
  } catch (error) {
    return fail(isKstError(error) ? error.message : String(error), 78);
  }
}

export async function runServiceProcess(name: ServiceName, settings: Readonly<Record<string, unknown>>, hooks: ServiceProcessHooks = {}): Promise<void> {
  const config = ecommerceServiceConfig.parse({ ...settings, ...hooks.overrides });
  const log = serviceLog({ service: name, instance: config['group.instance.id'], level: config['log.level'] });
  const service = await createService(name, { ...settings, ...hooks.overrides }, { logger: engineLogger(log), ...(hooks.prepared === undefined ? {} : { prepared: hooks.prepared }) });
  const metrics = await listenMetrics(service, config['metrics.host'], config['metrics.port']);
  process.stdout.write(`${service.applicationId} metrics on ${metrics.url}/metrics\n`);
  const stopWatching = watchFirstRecords(service.streams, (records) => {
    process.stdout.write(`${service.applicationId} processing: first records (${records}) ${Math.round(performance.now())} ms after process start\n`);
  });
  const closeAll = (): Promise<unknown> => {
    stopWatching();
    return Promise.all([service.close().finally(() => metrics.close()), hooks.close?.()]);
  };
  service.streams.setStateListener((next) => {
    hooks.stateChanged?.(next);
    log.info({ state: next }, `client state ${next}`);
    process.stdout.write(`${service.applicationId} state ${next}\n`);
    if (next === 'ERROR') {
      log.error({ err: service.streams.lastError }, 'the streams client failed');
      process.stderr.write(`${String(service.streams.lastError?.stack ?? service.streams.lastError)}\n`);
      closeAll().finally(() => process.exit(70));
    }
  });
  hooks.beforeStart?.(service);
  try {
    await service.streams.start();
  } catch (error) {
    process.stderr.write(`${String((error as Error).stack ?? error)}\n`);
    await closeAll().catch(() => undefined);
    process.exit(70);
  }
  const server = String(hooks.overrides?.['application.server'] ?? settings['application.server'] ?? '');
  process.stdout.write(`${service.applicationId} started${server === '' ? '' : `, queries on ${server}`}\n`);
  let closing = false;
  const stop = (): void => {
    if (closing) return;
    closing = true;
    closeAll().then(() => process.exit(0), (error: unknown) => {
      process.stderr.write(`${String(error)}\n`);
      process.exit(70);
    });
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

/** The metrics server; a port in use fails naming the key and its variable (exit 78), as invalid settings do. */
async function listenMetrics(service: RunningService, host: string, port: number): Promise<MetricsServer> {
  try {
    return await MetricsServer.listen(service.streams.metricsRegistry, { host, port });
  } catch (error) {
    await service.close().catch(() => undefined);
    return fail(`config "metrics.port" (${ecommerceServiceConfig.envName('metrics.port', ENV_PREFIX)}): cannot listen on ${host}:${port}: ${(error as Error).message}`, 78);
  }
}
