/**
 * How long a crashed service process takes to work again under the platform launcher's
 * supervision. The order service runs as N supervised processes (default 1) on fresh
 * topics; CreateOrder commands flow at a steady rate; each round SIGKILLs process 0 and
 * waits until the launcher reports it healthy and processing records again. Prints the
 * launcher's own lines and a summary per round:
 *
 * - healthy: from the restart (spawn) to its gRPC health check answering SERVING;
 * - processing: from the restart to its first processed records;
 * - gap: from the SIGKILL to the first OrderCreated of a command sent after it (any
 *   process; with N > 1 the others take over once the group has rebalanced).
 *
 * Without static membership the restarted process waits for its predecessor's session
 * (`session.timeout.ms`, set here with the second argument, default the service's 45 s).
 *
 *   node bench/platform/restart-bench.ts [instances=1] [session.timeout.ms=45000] [rounds=3]
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Platform } from '../../scripts/platform/services.ts';
import { BenchKafka } from './kafka-io.ts';
import { OrderPacer } from './order-pacer.ts';

const BOOTSTRAP = process.env['KAFKA_BOOTSTRAP'] ?? '127.0.0.1:9092';
const REGISTRY = process.env['REGISTRY_URL'] ?? 'http://127.0.0.1:8081/apis/ccompat/v7';
const instances = Number(process.argv[2] ?? '1');
const sessionTimeoutMs = Number(process.argv[3] ?? '45000');
const rounds = Number(process.argv[4] ?? '3');
const COMMANDS_PER_SECOND = 20;
const ROUND_TIMEOUT_MS = sessionTimeoutMs + 120_000;

const prefix = `restart-bench-${Date.now().toString(36)}.`;
const dir = mkdtempSync(join(tmpdir(), 'kst-restart-bench-'));
const lines: { readonly at: number; readonly line: string }[] = [];
const print = (line: string): void => {
  lines.push({ at: performance.now(), line });
  console.log(`  | ${line.split('\n')[0]}`);
};
const platform = await Platform.start(
  { instances, services: ['order'], 'query.base.port': 0, 'state.dir': join(dir, 'state'), 'log.dir': join(dir, 'logs') },
  { 'topic.prefix': prefix, 'bootstrap.servers': BOOTSTRAP, 'schema.registry.url': REGISTRY, 'session.timeout.ms': sessionTimeoutMs, 'heartbeat.interval.ms': Math.min(3_000, Math.floor(sessionTimeoutMs / 3)) },
  { print },
);
const kafka = await BenchKafka.create({ bootstrap: BOOTSTRAP, registryUrl: REGISTRY, prefix });
const pacer = OrderPacer.start(kafka, COMMANDS_PER_SECOND);

/** The number in the first launcher line after `from` matching `pattern`, waited for. */
async function reported(pattern: RegExp, from: number): Promise<number> {
  const deadline = performance.now() + ROUND_TIMEOUT_MS;
  for (;;) {
    const match = lines.slice(from).map((l) => pattern.exec(l.line)).find((m) => m !== null);
    if (match !== undefined && match !== null) return Number(match[1]);
    if (performance.now() > deadline) throw new Error(`the launcher printed no ${String(pattern)} within ${ROUND_TIMEOUT_MS} ms`);
    await sleep(50);
  }
}

const results: { healthy: number; processing: number; gap: number }[] = [];
try {
  await sleep(5_000);
  for (let round = 1; round <= rounds; round++) {
    const victim = platform.process('order', 0);
    const from = lines.length;
    const killedAt = Date.now();
    pacer.watch(killedAt);
    process.kill(victim.pid as number, 'SIGKILL');
    const healthy = await reported(/^order-0: healthy ([\d.]+) s after the restart/, from);
    const processing = await reported(/^order-0: processing records again ([\d.]+) s after the restart/, from);
    let createdAt: number | undefined;
    while ((createdAt = pacer.createdAt()) === undefined) {
      if (Date.now() - killedAt > ROUND_TIMEOUT_MS) throw new Error('no OrderCreated after the kill');
      await sleep(50);
    }
    results.push({ healthy, processing, gap: (createdAt - killedAt) / 1000 });
    console.log(`round ${round}: healthy ${healthy.toFixed(1)} s and processing ${processing.toFixed(1)} s after the restart; OrderCreated again ${((createdAt - killedAt) / 1000).toFixed(1)} s after the SIGKILL`);
    await sleep(65_000); // a minute healthy: the next crash starts at the initial backoff again
  }
} finally {
  await pacer.close();
  await kafka.close();
  await platform.stop();
  rmSync(dir, { recursive: true, force: true });
}
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
console.log(`\n${instances} process(es), session.timeout.ms ${sessionTimeoutMs}, ${results.length} rounds, medians: healthy ${median(results.map((r) => r.healthy)).toFixed(1)} s, processing ${median(results.map((r) => r.processing)).toFixed(1)} s after the restart (restart = 1 s after the crash); OrderCreated again ${median(results.map((r) => r.gap)).toFixed(1)} s after the SIGKILL`);
