/**
 * The platform launcher: N processes of each e-commerce service, each with its own state
 * folder (kept across restarts) and query endpoint (distinct ports counting up from
 * `query.base.port`), started together and awaited until each reports RUNNING. One
 * process can be SIGKILLed and restarted on its state; `stop` closes them all (SIGTERM,
 * then SIGKILL after `stop.timeout.ms`).
 *
 * Used by `npm start`, the demo and the end-to-end tests.
 *
 * @example
 * ```ts
 * const platform = await Platform.start(
 *   { instances: 2, 'state.dir': '/tmp/run1' },
 *   { 'topic.prefix': 'run1-', 'topic.partitions': 4 },
 * );
 * await platform.crash('order', 1);   // SIGKILL
 * await platform.restart('order', 1); // same state folder, awaited until RUNNING
 * await platform.stop();
 * ```
 */

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { KstError } from '../../common/errors.ts';
import type { ServiceName } from '../../topologies/ecommerce/contracts/stores.ts';
import { ensurePlatformTopics, registerPlatformSchemas } from '../../topologies/ecommerce/run-service.ts';
import { ecommerceServiceConfig } from '../../topologies/ecommerce/service-config.ts';
import { parsePlatformConfig, serviceEnvironment, type PlatformConfig } from './platform-config.ts';
import { ServiceProcess } from './service-process.ts';

export interface PlatformOptions {
  /** More variables for every process, e.g. the query servers' `QUERY_AUTH_*` key material. */
  readonly env?: Readonly<Record<string, string>>;
}

export class Platform {
  readonly config: PlatformConfig;
  readonly processes: readonly ServiceProcess[];

  private constructor(config: PlatformConfig, processes: readonly ServiceProcess[]) {
    this.config = config;
    this.processes = processes;
  }

  /**
   * Validates both configurations, plans the processes without starting them. `start`
   * creates the platform topics (all with the same partition count) and registers the
   * schemas first, so that processes starting side by side do not race to do it.
   */
  static plan(launcher: Readonly<Record<string, unknown>>, settings: Readonly<Record<string, unknown>> = {}, options: PlatformOptions = {}): Platform {
    const config = parsePlatformConfig(launcher);
    const env = { ...serviceEnvironment(settings), ...options.env };
    mkdirSync(config['log.dir'], { recursive: true });
    const processes: ServiceProcess[] = [];
    config.services.forEach((service, position) => {
      for (let index = 0; index < config.instances; index++) {
        const base = config['query.base.port'];
        const port = base === 0 ? 0 : base + position * config.instances + index;
        processes.push(new ServiceProcess({
          service,
          index,
          endpoint: `${config['query.host']}:${port}`,
          stateDir: join(config['state.dir'], `${service}-${index}`),
          logFile: join(config['log.dir'], `${service}-${index}.log`),
          env,
        }));
      }
    });
    return new Platform(config, processes);
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

  /** SIGKILLs one process: it neither commits nor closes, as in a crash. */
  async crash(service: ServiceName, index: number): Promise<void> {
    await this.process(service, index).kill('SIGKILL');
  }

  /** Starts a stopped or crashed process again on its state folder and waits until it is RUNNING. */
  async restart(service: ServiceName, index: number): Promise<void> {
    const target = this.process(service, index);
    if (target.running) await target.stop(this.config['stop.timeout.ms']);
    target.start();
    await target.waitRunning(this.config['ready.timeout.ms']);
  }

  /** Stops every process (in parallel): SIGTERM, then SIGKILL after the timeout. Resolves with the names of those that did not exit cleanly. */
  async stop(): Promise<string[]> {
    const clean = await Promise.all(this.processes.map((p) => p.stop(this.config['stop.timeout.ms'])));
    return this.processes.filter((_p, i) => clean[i] !== true).map((p) => p.name);
  }

  /** Where each process answers queries, for printing. */
  endpoints(): { readonly name: string; readonly endpoint: string; readonly logFile: string }[] {
    return this.processes.map((p) => ({ name: p.name, endpoint: p.endpoint, logFile: p.logFile }));
  }

  async #startAll(): Promise<void> {
    for (const p of this.processes) p.start();
    await Promise.all(this.processes.map((p) => p.waitRunning(this.config['ready.timeout.ms'])));
  }
}
