/**
 * Stream-processing benchmark: our engine against Apache Kafka Streams 4.1 (Java), on
 * the same broker, data and machine, in one run; plus Kafka's own perf tools as the
 * physical limit. Four cases, each under at_least_once and exactly_once_v2 (all four by
 * default, `--cases=` picks):
 *   - filter-map: `filter` (about half kept) + `mapValues`, stateless;
 *   - count: `groupByKey().count()` in a RocksDB store with a changelog, the table's
 *     updates written to a topic;
 *   - join: the input joined with a KTable of one row per key (a second, co-partitioned
 *     topic whose rows are all older than the input's records);
 *   - window: `groupByKey().windowedBy(1 min tumbling, 10 s grace).count()` in a RocksDB
 *     window store, the updates written with windowed keys.
 * The input (and table) topics are generated once per run; every contender gets a fresh application
 * id and output topic, runs in its own process, and is timed from spawn until its
 * group's committed offsets reach the input's end offsets. Contenders run one after
 * the other; the engine that goes first alternates across repetitions. The headline is
 * the steady-state rate (after the first commit; start-up in its own column), median of
 * the runs whose output checked OK; a wrong output, a failed run or a missing figure
 * makes the run exit non-zero. Results: a table on stdout and
 * `bench/results/<date>.json`. Method and figures: BENCHMARKS.md.
 *
 *   node bench/run.ts [--records=3000000] [--repetitions=3] [--profile] …   (see settings.ts)
 */

import { cpus, totalmem } from 'node:os';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { KafkaAdmin, kafkaClientConfig } from '../processors/kafka/index.ts';
import { endpoints, loadStackConfig } from '../scripts/stack/config.ts';
import { kafkaAnswers } from '../scripts/stack/health.ts';
import { up } from '../scripts/stack/stack.ts';
import { runContender, type ContenderResult, type ContenderSpec, type RunContext } from './streams/contender.ts';
import { generateInput, generateTable } from './streams/data.ts';
import { BENCH_CACHE, KAFKA_VERSION, prepareJavaSide, type JavaSide } from './streams/jars.ts';
import { consumerPerf, endOffsets, producerPerf } from './streams/perf-tools.ts';
import { formatProfile, summariseProfile, type ProfileSummary } from './streams/profile-summary.ts';
import { formatTable, summarise, verdict, writeResults, type Limits } from './streams/report.ts';
import { parseSettings, type Engine } from './streams/settings.ts';

const say = (line: string): void => console.log(`[bench] ${line}`);

function machine(java: JavaSide): Record<string, unknown> {
  const info = cpus();
  // `java -version` writes to stderr.
  const version = spawnSync(java.jdk.java, ['-version'], { encoding: 'utf8' }).stderr.split('\n')[1]?.trim();
  return { cpus: info.length, cpuModel: info[0]?.model, memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10, node: process.version, java: version, kafka: KAFKA_VERSION };
}

/** Which engine was measured: the commit, and the uncommitted engine files (each child loads the files on disk). */
function engineVersion(): { commit: string; uncommitted: string[] } {
  const git = (args: string[]): string => spawnSync('git', args, { encoding: 'utf8' }).stdout?.trim() ?? '';
  const uncommitted = git(['status', '--porcelain', '--', 'processors', 'state', 'topologies', 'schemas', 'common']).split('\n').filter((line) => line !== '');
  return { commit: git(['rev-parse', '--short', 'HEAD']), uncommitted };
}

async function ensureBroker(): Promise<string> {
  const config = loadStackConfig();
  const bootstrap = endpoints(config).kafkaBootstrap;
  // A broker that already answers is reused, whoever started it; else the stack starts one.
  if (!(await kafkaAnswers(bootstrap))) await up(config, ['kafka'], say);
  return bootstrap;
}

async function main(): Promise<void> {
  const bootstrap = await ensureBroker();
  const settings = parseSettings(process.argv.slice(2), bootstrap);
  const date = new Date().toISOString().replace(/[:.]/g, '-').replace('T', '_').slice(0, 19);
  const runId = date.replace(/[-_]/g, '').slice(2);
  const engineAtStart = engineVersion();
  say(`engine at ${engineAtStart.commit}${engineAtStart.uncommitted.length > 0 ? ` with ${engineAtStart.uncommitted.length} uncommitted engine file(s)` : ''}`);
  say(`broker ${bootstrap}; ${settings.records} records, ${settings.partitions} partitions, ${settings.keys} keys, ${settings.repetitions} repetition(s)`);
  say('preparing Kafka Streams and kafka-tools (Maven, first run only) and compiling StreamsBench.java…');
  const java = await prepareJavaSide();
  const admin = new KafkaAdmin(kafkaClientConfig.parse({ 'bootstrap.servers': bootstrap, 'client.id': 'bench-runner' }));
  const inputTopic = `bench-${runId}-input`;
  const perfTopic = `bench-${runId}-perf-producer`;
  const tableTopic = settings.cases.includes('join') ? `bench-${runId}-table` : undefined;
  let table: RunContext['table'];
  const failures: string[] = [];
  // What makes the run unclean (exit code 1): outputs that checked wrong, and runs that failed on their retry too.
  const wrongOutputs: string[] = [];
  const lost: string[] = [];
  const results: ContenderResult[] = [];
  const profiles: ProfileSummary[] = [];
  const limits: { consumer?: Limits['consumer']; producer?: Limits['producer'] } = {};
  try {
    say(`generating ${inputTopic}…`);
    const input = await generateInput({ bootstrap, topic: inputTopic, records: settings.records, partitions: settings.partitions, keys: settings.keys });
    const ends = await endOffsets(java, bootstrap, inputTopic);
    const total = [...ends.values()].reduce((a, b) => a + b, 0n);
    if (total !== BigInt(settings.records)) throw new Error(`input topic holds ${total} records, expected ${settings.records}`);
    say(`input written in ${input.seconds.toFixed(1)} s (${Math.round(settings.records / input.seconds)} records/s with our producer); ${input.kept} pass the filter; timestamps span ${((input.lastTimestamp - input.firstTimestamp) / 60_000).toFixed(1)} min`);
    if (tableTopic !== undefined) {
      // Rows older than every input record: a task that takes the lowest timestamp first, and waits for partitions
      // not yet fetched (Kafka Streams, max.task.idle.ms 0), applies the whole table before the first stream record.
      const written = await generateTable({ bootstrap, topic: tableTopic, partitions: settings.partitions, keys: settings.keys, timestamp: input.firstTimestamp - 1 });
      const tableEnds = await endOffsets(java, bootstrap, tableTopic);
      const rows = [...tableEnds.values()].reduce((a, b) => a + b, 0n);
      if (rows !== BigInt(settings.keys)) throw new Error(`table topic holds ${rows} records, expected ${settings.keys}`);
      table = { topic: tableTopic, endOffsets: tableEnds };
      say(`table ${tableTopic} written: ${written.rows} rows in ${written.seconds.toFixed(1)} s`);
    }
    if (settings.perfTools) {
      say('kafka-consumer-perf-test over the input…');
      limits.consumer = await consumerPerf(java, bootstrap, inputTopic, settings.records, `bench-${runId}-perf-consumer`);
      await admin.deleteGroups([`bench-${runId}-perf-consumer`]).catch(() => undefined);
      say('kafka-producer-perf-test…');
      await admin.createTopics([{ name: perfTopic, partitions: settings.partitions }]);
      limits.producer = await producerPerf(java, bootstrap, perfTopic, settings.records, Math.round(input.keyBytes + input.valueBytes));
      await admin.deleteTopics([perfTopic], { ifExists: true });
    }
    const context: RunContext = { admin, java, settings, inputTopic, endOffsets: ends, kept: input.kept, table };
    const attempt = async (spec: ContenderSpec): Promise<ContenderResult | undefined> => {
      say(`${spec.engine} ${spec.topology} ${spec.guarantee} #${spec.repetition}${spec.profileDir === undefined ? '' : ' (profiled)'}…`);
      // A failed run is recorded, then retried once with a fresh application id.
      for (const retry of [false, true]) {
        try {
          const result = await runContender(context, { ...spec, retry });
          say(`  ${result.seconds.toFixed(2)} s, ${Math.round(result.recordsPerSecond)} records/s, ${result.outputOffsets ?? '?'} output offsets, load ${result.loadAverage.toFixed(1)}${result.internalTopics.length > 0 ? `, internal topics: ${result.internalTopics.join(' ')}` : ''}`);
          const check = result.outputCheck;
          say(`  output ${check === undefined ? 'not checked' : `${check.ok ? 'OK' : 'WRONG'}: ${check.detail}, ${check.offsetGaps} offset gaps`}`);
          // A wrong output is reported and its rate shown, but it is left out of every median
          // (report.ts): it measured less work than the case asks. The run then exits non-zero.
          if (check === undefined || !check.ok) wrongOutputs.push(`${spec.engine} ${spec.topology} ${spec.guarantee} #${spec.repetition}: wrong output: ${check?.detail ?? 'not checked'}`);
          return result;
        } catch (error) {
          const message = `${spec.engine} ${spec.topology} ${spec.guarantee} #${spec.repetition}${retry ? ' (retry)' : ''}: ${(error as Error).message}`;
          say(`  FAILED ${message}`);
          failures.push(message);
        }
      }
      lost.push(`${spec.engine} ${spec.topology} ${spec.guarantee} #${spec.repetition}: failed twice, no result`);
      return undefined;
    };
    for (let repetition = 1; repetition <= settings.repetitions; repetition++) {
      const order: Engine[] = repetition % 2 === 1 ? [...settings.engines] : [...settings.engines].reverse();
      for (const topology of settings.cases) {
        for (const guarantee of settings.guarantees) {
          for (const engine of order) {
            const result = await attempt({ engine, topology, guarantee, repetition, runId });
            if (result !== undefined) results.push(result);
          }
        }
      }
    }
    if (settings.profile && settings.engines.includes('ours')) {
      const profileDir = join(BENCH_CACHE, 'profiles', runId);
      for (const topology of settings.cases) {
        for (const guarantee of settings.guarantees) {
          const dir = join(profileDir, `${topology}-${guarantee}`);
          mkdirSync(dir, { recursive: true });
          const result = await attempt({ engine: 'ours', topology, guarantee, repetition: 0, runId, profileDir: dir });
          const file = readdirSync(dir).filter((name) => name.endsWith('.cpuprofile')).sort().at(-1); // a retry's profile is the newest
          if (result === undefined || file === undefined) continue;
          const summary = summariseProfile(join(dir, file), 15);
          profiles.push(summary);
          console.log(`\nprofile of ours, ${topology} ${guarantee} (profiled run: ${Math.round(result.recordsPerSecond)} records/s, not in the table)\n${formatProfile(summary)}`);
        }
      }
    }
    const rows = summarise(settings, results);
    console.log(`\n${formatTable(rows, results, limits)}\n`);
    const path = writeResults({ date, machine: machine(java), engine: { atStart: engineAtStart, atEnd: engineVersion() }, settings, input, rows, runs: results, limits, failures: [...failures, ...wrongOutputs], profiles });
    say(`results written to ${path}`);
    if (failures.length > 0) say(`${failures.length} attempt(s) failed (each retried once):\n  ${failures.join('\n  ')}`);
    const problems = verdict(rows, [...wrongOutputs, ...lost]);
    if (problems.length > 0) {
      say(`NOT A CLEAN RUN (exit code 1):\n  ${problems.join('\n  ')}`);
      process.exitCode = 1;
    }
  } finally {
    await admin.deleteTopics([inputTopic, perfTopic, ...(tableTopic === undefined ? [] : [tableTopic])], { ifExists: true }).catch(() => undefined);
    await admin.close();
  }
}

await main();
