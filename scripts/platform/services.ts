/**
 * The platform launcher: N processes of each e-commerce service, each with its own state
 * folder (kept across restarts) and query endpoint (distinct ports counting up from
 * `query.base.port`), started together and awaited until each is healthy (its query
 * server's gRPC health check says SERVING). With `supervise` (the default) each process
 * has a `Supervisor`: one that exits unexpectedly is reported and restarted after a
 * backoff, and the report says how long it took to be healthy and to process records
 * again. `stop` closes them all (SIGTERM, then SIGKILL after `stop.timeout.ms`) and
 * restarts nothing.
 *
 * Used by `npm start`, the demo and the end-to-end tests.
 *
 * @example
 * ```ts
 * const platform = await Platform.start(
 *   { instances: 2, 'state.dir': '/tmp/run1' },
 *   { 'topic.prefix': 'run1-', 'topic.partitions': 4 },
 * );
 * await platform.crash('order', 1);   // SIGKILL: the supervisor restarts it
 * await platform.restart('order', 1); // awaits it healthy again (unsupervised: starts it)
 * await platform.stop();
 * ```
 */

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { KstError } from '../../common/errors.ts';
import type { ServiceName } from '../../topologies/ecommerce/contracts/stores.ts';
import { ensurePlatformTopics, registerPlatformSchemas } from '../../topologies/ecommerce/run-service.ts';
import { ecommerceServiceConfig } from '../../topologies/ecommerce/service-config.ts';
import { checkHealth } from '../../gateway/grpc/health-probe.ts';
import { metricsBasePort, parsePlatformConfig, serviceEnvironment, type PlatformConfig, withStandbyDefault } from './platform-config.ts';
import { ServiceProcess } from './service-process.ts';
import { SupervisionReport } from './supervision/supervision-report.ts';
import { Supervisor } from './supervision/supervisor.ts';

export interface PlatformOptions {
  /** Where supervision lines go (crashes, restarts, time to healthy); default: stdout. */
  readonly print?: (line: string) => void;
}

/** How long the report waits for a restarted process's first processed records. */
const FIRST_WORK_PATIENCE_MS = 3_600_000;

export interface PlatformOptions {
  /** More variables for every process, e.g. the query servers' `QUERY_AUTH_*` key material. */
  readonly env?: Readonly<Record<string, string>>;
}

export class Platform {
  readonly config: PlatformConfig;
  readonly processes: readonly ServiceProcess[];
  /** One per process when `supervise` is on, in the order of `processes`. */
  readonly supervisors: readonly Supervisor[];

  private constructor(config: PlatformConfig, processes: readonly ServiceProcess[], options: PlatformOptions) {
    this.config = config;
    this.processes = processes;
    const report = new SupervisionReport(options.print ?? console.log);
    this.supervisors = !config.supervise ? [] : processes.map((p) => new Supervisor(p, {
      probe: async () => (await checkHealth(p.endpoint, { timeoutMs: 1_000 })) === 'SERVING',
      report: report.of(p.name, () => p.waitProcessing(FIRST_WORK_PATIENCE_MS)),
      readyTimeoutMs: config['ready.timeout.ms'],
      backoff: { initialMs: config['restart.backoff.initial.ms'], maxMs: config['restart.backoff.max.ms'], resetAfterMs: config['restart.backoff.reset.ms'] },
    }));
  }

  /**
   * Validates both configurations, plans the processes without starting them. `start`
   * creates the platform topics (all with the same partition count) and registers the
   * schemas first, so that processes starting side by side do not race to do it.
   */
  static plan(launcher: Readonly<Record<string, unknown>>, settings: Readonly<Record<string, unknown>> = {}, options: PlatformOptions = {}): Platform {
    const config = parsePlatformConfig(launcher);
    const env = { ...serviceEnvironment(withStandbyDefault(settings, config.instances)), ...options.env };
    mkdirSync(config['log.dir'], { recursive: true });
    const processes: ServiceProcess[] = [];
    config.services.forEach((service, position) => {
      for (let index = 0; index < config.instances; index++) {
        const base = config['query.base.port'];
        const slot = position * config.instances + index;
        const port = base === 0 ? 0 : base + slot;
        const metricsBase = metricsBasePort(config);
        processes.push(new ServiceProcess({
          service,
          index,
          endpoint: `${config['query.host']}:${port}`,
          metricsPort: metricsBase === 0 ? 0 : metricsBase + slot,
          stateDir: join(config['state.dir'], `${service}-${index}`),
          logFile: join(config['log.dir'], `${service}-${index}.log`),
          env,
          // A supervised process hears of a Ctrl-C from its supervisor, not from the terminal.
          ownProcessGroup: config.supervise,
          warmSpare: config.supervise && config['warm.spare'],
        }));
      }
    });
    return new Platform(config, processes, options);
  }

  /** `plan`, create the topics, start every process and wait until each is RUNNING. */
  static async start(launcher: Readonly<Record<string, unknown>>, settings: Readonly<Record<string, unknown>> = {}, options: PlatformOptions = {}): Promise<Platform> {
    const platform = Platform.plan(launcher, settings, options);
    const serviceConfig = ecommerceServiceConfig.parse(settings);
    await ensurePlatformTopics(serviceConfig);
    await registerPlatformSchemas(serviceConfig);
    try {
      await platform.#startAll();
    } catch (error) {
      await platform.stop();
      throw error;
    }
    return platform;
  }

  /** The process `index` (0-based) of `service`. */
  process(service: ServiceName, index: number): ServiceProcess {
    const found = this.processes.find((p) => p.service === service && p.index === index);
    if (found === undefined) throw new KstError('KST_CONFIG_INVALID', `the platform runs no process ${service}-${index}`, { key: 'services', value: `${service}-${index}` });
    return found;
  }

  /** SIGKILLs one process: it neither commits nor closes, as in a crash. Supervised, it is restarted after the backoff. */
  async crash(service: ServiceName, index: number): Promise<void> {
    await this.process(service, index).kill('SIGKILL');
  }

  /**
   * Supervised: waits until the process is healthy again (its supervisor restarts it).
   * Unsupervised: starts a stopped or crashed process again on its state folder (stopping
   * it first if it runs) and waits until it is RUNNING.
   */
  async restart(service: ServiceName, index: number): Promise<void> {
    const target = this.process(service, index);
    const supervisor = this.supervisors[this.processes.indexOf(target)];
    if (supervisor !== undefined) return supervisor.healthy();
    if (target.running) await target.stop(this.config['stop.timeout.ms']);
    target.start();
    await target.waitRunning(this.config['ready.timeout.ms']);
  }

  /** Stops every process (in parallel), restarting none: SIGTERM, then SIGKILL after the timeout. Resolves with the names of those that did not exit cleanly. */
  async stop(): Promise<string[]> {
    const timeout = this.config['stop.timeout.ms'];
    const clean = await Promise.all(this.processes.map((p, i) => this.supervisors[i]?.stop(timeout) ?? p.stop(timeout)));
    return this.processes.filter((_p, i) => clean[i] !== true).map((p) => p.name);
  }

  /** Where each process answers queries and serves its metrics, for printing. */
  endpoints(): { readonly name: string; readonly endpoint: string; readonly metrics: string; readonly logFile: string }[] {
    return this.processes.map((p) => ({ name: p.name, endpoint: p.endpoint, metrics: p.metricsUrl, logFile: p.logFile }));
  }

  async #startAll(): Promise<void> {
    if (this.supervisors.length > 0) {
      await Promise.all(this.supervisors.map((s) => s.start()));
      return;
    }
    for (const p of this.processes) p.start();
    await Promise.all(this.processes.map((p) => p.waitRunning(this.config['ready.timeout.ms'])));
  }
}
