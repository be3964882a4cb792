/**
 * The local stack's programmatic API: `up`, `down` and `status` over the four servers.
 * `up` starts what is not running (concurrently, a server after those it depends on, which
 * it brings up as well), reuses what is, and waits for health; `down` stops only processes
 * this stack started, proven through /proc, dependents first; `status` reports.
 * The CLI (`cli.ts`) and the test runner's global setup both call these.
 *
 * @example
 * ```ts
 * const config = loadStackConfig();
 * const started = await up(config, ['kafka'], console.log);
 * // ... run tests ...
 * await down(config, started.filter((s) => s.startedNow).map((s) => s.service));
 * ```
 */

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { KstError } from '../../common/errors.ts';
import type { StackConfig } from './config.ts';
import { stopWaves, withDependencies } from './dependencies.ts';
import { waitHealthy } from './health.ts';
import { kafka } from './kafka.ts';
import { opensearch } from './opensearch.ts';
import { postgres } from './postgres.ts';
import { isOurs, logFile, runningRecord, startDetached, stopRecorded, tail, writeRecord, type ProcessRecord } from './processes.ts';
import { assertDistinctPorts, assertPortsFree } from './ports.ts';
import { registry } from './registry.ts';
import { SERVICE_NAMES, isServiceName, type ServiceDefinition, type ServiceName } from './service.ts';

export { SERVICE_NAMES, type ServiceName } from './service.ts';

const DEFINITIONS: Readonly<Record<ServiceName, ServiceDefinition>> = { kafka, registry, opensearch, postgres };
const dependsOn = (name: ServiceName): readonly ServiceName[] => DEFINITIONS[name].dependsOn ?? [];

export type Progress = (line: string) => void;

export interface UpResult {
  readonly service: ServiceName;
  readonly pid: number;
  /** False when the server was already running and was reused. */
  readonly startedNow: boolean;
  readonly port: number;
}

export interface DownResult {
  readonly service: ServiceName;
  /** The PID that was stopped; undefined when nothing of ours was running. */
  readonly pid: number | undefined;
}

export interface ServiceStatus {
  readonly service: ServiceName;
  readonly running: boolean;
  readonly healthy: boolean;
  readonly pid?: number;
  readonly port: number;
  readonly log: string;
}

function selected(services: readonly string[] | undefined): ServiceName[] {
  if (services === undefined || services.length === 0) return [...SERVICE_NAMES];
  const unknown = services.filter((name) => !isServiceName(name));
  if (unknown.length > 0) {
    throw new KstError('KST_CONFIG_INVALID', `unknown service ${unknown.map((name) => `"${name}"`).join(', ')} (known: ${SERVICE_NAMES.join(', ')})`, { key: 'services', value: unknown });
  }
  return [...new Set(services as ServiceName[])];
}

function prepareHome(config: StackConfig): void {
  for (const folder of ['pids', 'logs']) mkdirSync(join(config.home, folder), { recursive: true });
  mkdirSync(config['cache.dir'], { recursive: true });
}

function seconds(since: number): string {
  return `${((Date.now() - since) / 1000).toFixed(1)}s`;
}

async function startOne(config: StackConfig, definition: ServiceDefinition, progress: Progress): Promise<UpResult> {
  const name = definition.name;
  const began = Date.now();
  const say = (step: string): void => progress(`${name}: ${step}`);
  const port = definition.mainPort(config);
  const log = logFile(config.home, name);
  const existing = runningRecord(config.home, name);
  if (existing !== undefined) {
    // Ours and alive, maybe still starting (another `up` in progress): wait for it as well.
    const outcome = await waitHealthy(definition.probe(config), () => isOurs(existing), config['start.timeout.ms']);
    if (outcome !== 'healthy') {
      throw new KstError('KST_STACK_START_FAILED', `${name} (pid ${existing.pid}) runs but is not healthy (${outcome}); last lines of ${log}:\n${tail(log)}`, { service: name, pid: existing.pid, log });
    }
    say(`already running (pid ${existing.pid}) on ${config.host}:${port}`);
    return { service: name, pid: existing.pid, startedNow: false, port };
  }
  await assertPortsFree(config, name, definition.ports(config));
  const dir = join(config.home, name);
  mkdirSync(dir, { recursive: true });
  const launch = await definition.prepare({ config, dir, log, progress: say });
  const record = await startDetached(name, launch, log);
  writeRecord(config.home, record);
  say(`starting (pid ${record.pid})…`);
  const outcome = await waitHealthy(definition.probe(config), () => isOurs(record), config['start.timeout.ms']);
  if (outcome !== 'healthy') {
    // Leave nothing half-started behind: a later `up` starts from a clean slate.
    await stopRecorded(config.home, record, 'SIGKILL', 5000);
    const why = outcome === 'exited' ? 'exited during start-up' : `did not become healthy within ${config['start.timeout.ms']} ms`;
    throw new KstError('KST_STACK_START_FAILED', `${name} ${why}; last lines of ${log}:\n${tail(log)}`, { service: name, log, outcome });
  }
  await definition.afterHealthy?.(config);
  say(`up on ${config.host}:${port} in ${seconds(began)}`);
  return { service: name, pid: record.pid, startedNow: true, port };
}

/**
 * Starts the requested services (all by default) and those they depend on, concurrently
 * except that a service waits for its dependencies to be healthy, reusing those already
 * running, and resolves once every one is healthy. If any fails, the error lists every
 * failure; the services that did come up keep running (their results are in
 * `error.details.results`) so a caller can `down` them.
 */
export async function up(config: StackConfig, services?: readonly string[], progress: Progress = () => undefined): Promise<UpResult[]> {
  const names = withDependencies(selected(services), dependsOn);
  assertDistinctPorts(config);
  prepareHome(config);
  // A missing prerequisite fails before anything starts (not after the servers it depends on).
  for (const name of names) DEFINITIONS[name].checkPrerequisites?.(config);
  // Independent servers start concurrently; a dependent waits until what it needs is healthy.
  const starts = new Map<ServiceName, Promise<UpResult>>();
  const start = (name: ServiceName): Promise<UpResult> => {
    let started = starts.get(name);
    if (started === undefined) {
      started = (async () => {
        const needed = await Promise.allSettled(dependsOn(name).map(start));
        const failed = dependsOn(name).filter((_, index) => needed[index]?.status === 'rejected');
        if (failed.length > 0) throw new KstError('KST_STACK_START_FAILED', `${name} not started: it needs ${failed.join(', ')}, which did not start`, { service: name, needs: failed });
        return startOne(config, DEFINITIONS[name], progress);
      })();
      starts.set(name, started);
    }
    return started;
  };
  const settled = await Promise.allSettled(names.map(start));
  const results = settled.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
  const failures = settled.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason as unknown] : []));
  if (failures.length === 1 && failures[0] instanceof KstError) {
    const only = failures[0];
    throw new KstError(only.code, only.message.slice(only.code.length + 2), { ...only.details, results }, { cause: only.cause });
  }
  if (failures.length > 0) {
    const messages = failures.map((failure) => (failure instanceof Error ? failure.message : String(failure)));
    const code = failures.every((failure) => failure instanceof KstError && failure.code === (failures[0] as KstError).code) ? (failures[0] as KstError).code : 'KST_STACK_START_FAILED';
    throw new KstError(code, `${failures.length} services failed to start:\n${messages.join('\n')}`, { results });
  }
  return results;
}

async function stopOne(config: StackConfig, definition: ServiceDefinition): Promise<DownResult> {
  const record: ProcessRecord | undefined = runningRecord(config.home, definition.name);
  if (record === undefined) return { service: definition.name, pid: undefined };
  const stopped = await stopRecorded(config.home, record, record.stopSignal, config['stop.timeout.ms']);
  return { service: definition.name, pid: stopped ? record.pid : undefined };
}

/** Stops the requested services (all by default) that this stack started; waits until their processes are gone. */
export async function down(config: StackConfig, services?: readonly string[], progress: Progress = () => undefined): Promise<DownResult[]> {
  const names = selected(services);
  const results = new Map<ServiceName, DownResult>();
  // A dependent stops before what it needs: the registry is not left without its broker.
  for (const wave of stopWaves(names, dependsOn)) {
    await Promise.all(
      wave.map(async (name) => {
        const began = Date.now();
        const result = await stopOne(config, DEFINITIONS[name]);
        progress(result.pid === undefined ? `${name}: not running` : `${name}: stopped (pid ${result.pid}) in ${seconds(began)}`);
        results.set(name, result);
      }),
    );
  }
  return names.map((name) => results.get(name) as DownResult);
}

/** Which services run (started by this stack, per their PID files) and whether they answer. */
export async function status(config: StackConfig, services?: readonly string[]): Promise<ServiceStatus[]> {
  const names = selected(services);
  return Promise.all(
    names.map(async (name) => {
      const definition = DEFINITIONS[name];
      const record = runningRecord(config.home, name);
      const port = definition.mainPort(config);
      const log = logFile(config.home, name);
      if (record === undefined) return { service: name, running: false, healthy: false, port, log };
      return { service: name, running: true, healthy: await definition.probe(config)(), pid: record.pid, port, log };
    }),
  );
}
