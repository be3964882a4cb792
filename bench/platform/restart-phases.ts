/**
 * Where a restarted service process spends its time, phase by phase. The order service
 * runs as one supervised process of the platform launcher on fresh topics, with
 * `NODE_DEBUG=kstreams-startup` (the marks of common/startup-trace.ts); CreateOrder
 * commands flow at 20/s. Each round SIGKILLs `order-0`; the launcher restarts it after its
 * backoff. The round then reads:
 *
 * - the launcher's own line `processing records again X s after the restart`;
 * - the new run's marks from its log, as seconds after the spawn (the log's `---- run`
 *   line is written just before the spawn): Node started, modules loaded, query server
 *   bound, topics ensured, schemas registered, internal topics checked, producer
 *   registered (InitProducerId: the old producer fenced), group joined, tasks ready,
 *   first records processed, first commit;
 * - *fresh order*: from the restart to the OrderCreated of the first command *sent after
 *   the restart*, as a client reading `orders.events` (read_committed) sees it.
 *
 * Prints every round and the medians, with the load average.
 *
 * With warm spares (the launcher's default) the restart activates a process started
 * ahead, so "node process started" and "modules loaded" come before the restart (negative);
 * `no-spare` as third argument measures restarts that spawn a new process.
 *
 *   node bench/platform/restart-phases.ts [rounds=5] [backoff.ms=1000] [spare|no-spare]
 */

import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Platform } from '../../scripts/platform/services.ts';
import { BenchKafka } from './kafka-io.ts';
import { OrderPacer } from './order-pacer.ts';

const BOOTSTRAP = process.env['KAFKA_BOOTSTRAP'] ?? '127.0.0.1:9092';
const REGISTRY = process.env['REGISTRY_URL'] ?? 'http://127.0.0.1:8081/apis/ccompat/v7';
const rounds = Number(process.argv[2] ?? '5');
const backoffMs = Number(process.argv[3] ?? '1000');
const warmSpare = (process.argv[4] ?? 'spare') !== 'no-spare';
const COMMANDS_PER_SECOND = 20;
const ROUND_TIMEOUT_MS = 120_000;

const prefix = `restart-phases-${Date.now().toString(36)}.`;
const dir = mkdtempSync(join(tmpdir(), 'kst-restart-phases-'));
const lines: string[] = [];
const print = (line: string): void => {
  lines.push(line);
  console.log(`  | ${line.split('\n')[0]}`);
};
const platform = await Platform.start(
  { services: ['order'], 'query.base.port': 0, 'state.dir': join(dir, 'state'), 'log.dir': join(dir, 'logs'), 'restart.backoff.initial.ms': backoffMs, 'restart.backoff.reset.ms': 3_000, 'warm.spare': warmSpare },
  { 'topic.prefix': prefix, 'bootstrap.servers': BOOTSTRAP, 'schema.registry.url': REGISTRY },
  { print, env: { NODE_DEBUG: 'kstreams-startup' } },
);
const kafka = await BenchKafka.create({ bootstrap: BOOTSTRAP, registryUrl: REGISTRY, prefix });
const pacer = OrderPacer.start(kafka, COMMANDS_PER_SECOND);

async function until<T>(what: string, find: () => T | undefined): Promise<T> {
  const deadline = Date.now() + ROUND_TIMEOUT_MS;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`no ${what} within ${ROUND_TIMEOUT_MS} ms`);
    await sleep(20);
  }
}

/** The marks of process `pid`, whose run starts in `log` after `offset`, as seconds after that run's start (spawn or spare activation). */
function phasesOf(logFile: string, offset: number, pid: number): { readonly spawnAt: number; readonly phases: Map<string, number>; readonly cpu: Map<string, number> } {
  const all = readFileSync(logFile, 'utf8');
  const run = /^(\S+) ---- run \d+ of /m.exec(all.slice(offset));
  if (run === null) throw new Error(`no run line in ${logFile} after offset ${offset}`);
  const spawnAt = Date.parse(run[1] as string);
  const phases = new Map<string, number>();
  const cpu = new Map<string, number>();
  const started = new RegExp(`KSTREAMS-STARTUP ${pid}: process started at (\\S+); Node bootstrap complete \\+(\\d+) ms`).exec(all);
  if (started !== null) {
    const origin = Date.parse(started[1] as string);
    phases.set('node process started', (origin - spawnAt) / 1000);
    phases.set('node bootstrap complete', (origin + Number(started[2]) - spawnAt) / 1000);
    for (const match of all.matchAll(new RegExp(`KSTREAMS-STARTUP ${pid}: \\+(\\d+) ms ([^([\\n]+?)(?: \\(.*\\))? \\[cpu (\\d+) ms\\]$`, 'gm'))) {
      phases.set(match[2] as string, (origin + Number(match[1]) - spawnAt) / 1000);
      cpu.set(match[2] as string, Number(match[3]) / 1000);
    }
  }
  return { spawnAt, phases, cpu };
}

const results: { readonly processing: number; readonly fresh: number; readonly phases: Map<string, number>; readonly cpu: Map<string, number> }[] = [];
const loads: number[] = [];
try {
  await sleep(5_000);
  for (let round = 1; round <= rounds; round++) {
    const victim = platform.process('order', 0);
    const from = lines.length;
    const offset = statSync(victim.logFile).size;
    loads.push(loadavg()[0] as number);
    process.kill(victim.pid as number, 'SIGKILL');
    await until('restart line', () => lines.slice(from).find((l) => /^order-0: restarted/.test(l)));
    const pid = victim.pid as number;
    const { spawnAt } = phasesOf(victim.logFile, offset, pid);
    pacer.watch(spawnAt);
    const processingLine = await until('processing line', () => lines.slice(from).find((l) => /^order-0: processing records again/.test(l)));
    const processing = Number(/again ([\d.]+) s/.exec(processingLine)?.[1]);
    const freshAt = await until('fresh OrderCreated', () => pacer.createdAt());
    await sleep(1_500); // the first commit's mark
    const { phases: final, cpu } = phasesOf(victim.logFile, offset, pid);
    results.push({ processing, fresh: (freshAt - spawnAt) / 1000, phases: final, cpu });
    console.log(`round ${round} (load ${loads.at(-1)?.toFixed(2)}): processing records again ${processing.toFixed(1)} s after the restart; fresh order created ${((freshAt - spawnAt) / 1000).toFixed(2)} s after it`);
    for (const [phase, at] of final) console.log(`    +${at.toFixed(2)} s  ${phase}${cpu.has(phase) ? `  (cpu ${(cpu.get(phase) as number).toFixed(2)} s)` : ''}`);
    // Healthy longer than restart.backoff.reset.ms (the next crash is "1 in a row" again),
    // and long enough for the next warm spare to have loaded its modules.
    await sleep(warmSpare ? 9_000 : 4_000);
  }
} finally {
  await pacer.close();
  await kafka.close();
  await platform.stop();
  rmSync(dir, { recursive: true, force: true });
}
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
console.log(`\n${results.length} rounds, load average ${Math.min(...loads).toFixed(2)}–${Math.max(...loads).toFixed(2)}; medians after the restart (spawn), and of the CPU time the process had used:`);
for (const phase of results[0]?.phases.keys() ?? []) {
  const cpu = results[0]?.cpu.has(phase) === true ? `  (cpu ${median(results.map((r) => r.cpu.get(phase) ?? Number.NaN)).toFixed(2)} s)` : '';
  console.log(`  ${median(results.map((r) => r.phases.get(phase) ?? Number.NaN)).toFixed(2).padStart(6)} s  ${phase}${cpu}`);
}
console.log(`  ${median(results.map((r) => r.processing)).toFixed(2).padStart(6)} s  launcher: processing records again (all: ${results.map((r) => r.processing.toFixed(1)).join(', ')})`);
console.log(`  ${median(results.map((r) => r.fresh)).toFixed(2).padStart(6)} s  a command sent after the restart seen as OrderCreated (all: ${results.map((r) => r.fresh.toFixed(2)).join(', ')})`);
