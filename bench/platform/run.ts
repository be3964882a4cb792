/**
 * The platform benchmark: gateway requests per second per route, and the saga's sustained
 * orders per second under exactly-once with the latency from POST /orders to the final
 * state at a fixed rate below it. Against the stack's Kafka and registry, which must be up
 * (`npm run stack -- up`); every run uses fresh topic prefixes, free ports and temporary
 * state, so it can run beside other work. Method and figures: BENCHMARKS.md, "Platform
 * (saga and gateway)". Results: a summary on stdout and `bench/results/platform-<date>.json`.
 *
 *   node bench/platform/run.ts [--cases=gateway,saga] [--orders=3000] [--gateway-seconds=20] …   (see settings.ts)
 */

import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { isKstError } from '../../common/errors.ts';
import { ROOT } from './child.ts';
import { runGatewayBench } from './gateway-bench.ts';
import type { LoadResult } from './load.ts';
import { runSagaBench, type SagaResult } from './saga-bench.ts';
import { parseBenchSettings } from './settings.ts';

const say = (line: string): void => console.log(`[bench] ${line}`);
const load = (): string => loadavg().map((l) => l.toFixed(2)).join(' ');

/** Which code was measured: the commit, and uncommitted files the children load from disk. */
function codeVersion(): { commit: string; uncommitted: string[] } {
  const git = (args: string[]): string => spawnSync('git', args, { cwd: ROOT, encoding: 'utf8' }).stdout?.trim() ?? '';
  const uncommitted = git(['status', '--porcelain', '--', 'processors', 'state', 'topologies', 'schemas', 'common', 'gateway', 'scripts/platform']).split('\n').filter((line) => line !== '');
  return { commit: git(['rev-parse', '--short', 'HEAD']) || 'unknown (not a git checkout)', uncommitted };
}

function formatGateway(results: readonly LoadResult[]): string[] {
  return [
    '| route | connections | requests | requests/s | p50 ms | p99 ms | max ms | statuses |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
    ...results.map((r) => `| ${r.route} | ${r.connections} | ${r.requests} | ${r.perSecond} | ${r.p50Ms} | ${r.p99Ms} | ${r.maxMs} | ${JSON.stringify(r.statuses)} |`),
  ];
}

function formatSaga(result: SagaResult): string[] {
  const t = result.throughput;
  const l = result.latency;
  return [
    `throughput: ${t.orders} orders in ${t.seconds.toFixed(1)} s = ${t.ordersPerSecond} orders/s (produced in ${t.produceSeconds.toFixed(1)} s) ${JSON.stringify(t.statuses)}`,
    `stages (p50/p99 ms): ${l.stages.map((st) => `${st.stage} ${st.p50Ms}/${st.p99Ms}`).join(', ')}`,
    `latency at ${l.targetRate}/s (achieved ${l.achievedRate}/s, ${l.lateStarts} late starts): ${l.settled}/${l.posted} settled, p50 ${l.p50Ms} ms, p99 ${l.p99Ms} ms, max ${l.maxMs} ms ${JSON.stringify(l.statuses)}; p50 of the first third ${l.p50FirstThirdMs} ms, of the last third ${l.p50LastThirdMs} ms`,
  ];
}

async function main(): Promise<void> {
  const settings = parseBenchSettings(process.argv.slice(2));
  const runId = Date.now().toString(36);
  const stateDir = mkdtempSync(join(tmpdir(), 'kst-bench-platform-'));
  const logDir = join(stateDir, 'logs');
  mkdirSync(logDir, { recursive: true });
  const dirs = { runId, stateDir, logDir };
  const record: Record<string, unknown> = {
    runId,
    startedAt: new Date().toISOString(),
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10, node: process.version },
    settings,
    code: codeVersion(),
    load: [{ at: 'start', loadavg: load() }],
  };
  const loads = record['load'] as Array<{ at: string; loadavg: string }>;
  const code = record['code'] as ReturnType<typeof codeVersion>;
  say(`run ${runId} at ${code.commit}${code.uncommitted.length > 0 ? ` with ${code.uncommitted.length} uncommitted file(s)` : ''}; logs in ${logDir}; load average ${load()}`);
  let failed = false;
  try {
    if (settings.cases.includes('gateway')) {
      const results = await runGatewayBench(settings, dirs, say);
      record['gateway'] = results;
      loads.push({ at: 'after gateway case', loadavg: load() });
      for (const line of formatGateway(results)) console.log(line);
    }
    if (settings.cases.includes('saga')) {
      const result = await runSagaBench(settings, dirs, say);
      record['saga'] = result;
      loads.push({ at: 'after saga case', loadavg: load() });
      for (const line of formatSaga(result)) console.log(line);
    }
  } catch (error) {
    failed = true;
    record['failure'] = String((error as Error).stack ?? error);
    say(`failed: ${isKstError(error) ? error.message : String((error as Error).stack ?? error)}`);
  } finally {
    record['finishedAt'] = new Date().toISOString();
    const resultsDir = join(ROOT, 'bench', 'results');
    mkdirSync(resultsDir, { recursive: true });
    const file = join(resultsDir, `platform-${new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19)}.json`);
    writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);
    say(`load average at the end ${load()}; results in ${file}`);
    // Logs stay on failure, for the post-mortem.
    if (!failed) rmSync(stateDir, { recursive: true, force: true });
    else say(`state and logs kept in ${stateDir}`);
  }
  process.exitCode = failed ? 1 : 0;
}

await main();
