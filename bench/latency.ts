/**
 * Hop-latency benchmark: how long a record takes through one topology, from the moment
 * it is sent to the input topic until a read_committed consumer sees the output, at a
 * low steady rate; ours against Kafka Streams 4.1 on the same broker, one after the
 * other, the engine that goes first alternating across repetitions (see
 * `streams/hop-latency.ts`). Both engines run the filter-map topology with one stream
 * thread and `commit.interval.ms` 100, exactly-once's default in both.
 *
 *   node bench/latency.ts [--records=400] [--rate=20] [--repetitions=2] [--engines=ours,kafka-streams]
 *                         [--guarantees=exactly_once_v2,at_least_once] [--commit-ms=100]
 */

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KafkaAdmin, kafkaClientConfig } from '../processors/kafka/index.ts';
import { endpoints, loadStackConfig } from '../scripts/stack/config.ts';
import { runHopLatency, type HopLatencyResult } from './streams/hop-latency.ts';
import { prepareJavaSide } from './streams/jars.ts';
import { formatLatencyTable, parseLatencyFlags } from './streams/latency-report.ts';
import { parseSettings, type Engine } from './streams/settings.ts';

const say = (line: string): void => console.log(`[latency] ${line}`);

async function main(): Promise<void> {
  const bootstrap = endpoints(loadStackConfig()).kafkaBootstrap;
  const flags = parseLatencyFlags(process.argv.slice(2));
  const settings = parseSettings(flags.rest, bootstrap);
  const date = new Date().toISOString().replace(/[:.]/g, '-').replace('T', '_').slice(0, 19);
  const runId = date.replace(/[-_]/g, '').slice(2);
  say(`broker ${bootstrap}; ${flags.records} records at ${flags.rate}/s per run, commit.interval.ms ${flags.commitMs}, ${settings.repetitions} repetition(s)`);
  const java = await prepareJavaSide();
  const admin = new KafkaAdmin(kafkaClientConfig.parse({ 'bootstrap.servers': bootstrap, 'client.id': 'bench-latency' }));
  const results: HopLatencyResult[] = [];
  const failures: string[] = [];
  try {
    for (let repetition = 1; repetition <= settings.repetitions; repetition++) {
      const order: Engine[] = repetition % 2 === 1 ? [...settings.engines] : [...settings.engines].reverse();
      for (const guarantee of settings.guarantees) {
        for (const engine of order) {
          say(`${engine} ${guarantee} #${repetition}…`);
          try {
            const result = await runHopLatency({ admin, java, settings }, { engine, guarantee, runId, repetition, records: flags.records, recordsPerSecond: flags.rate, commitIntervalMs: flags.commitMs });
            results.push(result);
            say(`  ${result.latenciesMs.length} timed, ${result.missing} missing, load ${result.loadAverage.toFixed(1)}`);
            if (result.missing > 0) failures.push(`${engine} ${guarantee} #${repetition}: ${result.missing} records never seen`);
          } catch (error) {
            failures.push(`${engine} ${guarantee} #${repetition}: ${(error as Error).message}`);
            say(`  FAILED ${(error as Error).message}`);
          }
        }
      }
    }
  } finally {
    await admin.close();
  }
  console.log(`\n${formatLatencyTable(results)}\n`);
  const dir = fileURLToPath(new URL('./results/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `latency-${date}.json`);
  writeFileSync(path, `${JSON.stringify({ date, flags, settings, results, failures }, null, 2)}\n`);
  say(`results written to ${path}`);
  if (failures.length > 0) {
    say(`NOT A CLEAN RUN (exit code 1):\n  ${failures.join('\n  ')}`);
    process.exitCode = 1;
  }
}

await main();
