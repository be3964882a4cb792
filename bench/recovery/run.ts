/**
 * Recovery benchmark: how long after a SIGKILL and an immediate restart an instance's
 * tasks commit new output again, our engine against Apache Kafka Streams 4.1 (Java) with
 * the same settings: static membership (`group.instance.id` per instance),
 * exactly_once_v2, one standby replica, the same session timeout and commit interval, a
 * count per key in a RocksDB store over the same steady input. Two scenarios: one of two
 * instances is killed (`two`), the only instance is killed (`single`). Each engine and
 * scenario gets fresh topics and application id, `kills` rounds, and an output check.
 * Prints a table (p50/p99 per engine and scenario) and writes
 * `bench/results/recovery-<date>.json`. Method and figures: BENCHMARKS.md.
 *
 *   node bench/recovery/run.ts [--kills=10] [--scenarios=two,single] …   (see settings.ts)
 */

import { spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { KafkaAdmin, kafkaClientConfig } from '../../processors/kafka/index.ts';
import { endpoints, loadStackConfig } from '../../scripts/stack/config.ts';
import { kafkaAnswers } from '../../scripts/stack/health.ts';
import { KAFKA_VERSION, prepareJavaSide } from '../streams/jars.ts';
import { formatRecoveryTable, summariseTrials, writeRecoveryResults } from './report.ts';
import { parseRecoverySettings } from './settings.ts';
import { runTrial, type TrialResult } from './trial.ts';

const say = (line: string): void => console.log(`[recovery] ${line}`);

async function main(): Promise<void> {
  const bootstrap = endpoints(loadStackConfig()).kafkaBootstrap;
  // The shared broker is never started or restarted from here.
  if (!(await kafkaAnswers(bootstrap))) throw new Error(`no broker answers at ${bootstrap}; start the stack first`);
  const settings = parseRecoverySettings(process.argv.slice(2), bootstrap);
  const date = new Date().toISOString().replace(/[:.]/g, '-').replace('T', '_').slice(0, 19);
  const runId = date.replace(/[-_]/g, '').slice(2);
  const commit = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).stdout.trim();
  say(`engine at ${commit}; broker ${bootstrap}; ${settings.kills} kills per engine and scenario; ${settings.partitions} partitions, ${settings.keys} keys, ${settings.recordsPerSecond} records/s`);
  say(`both engines: exactly_once_v2, group.instance.id per instance, num.standby.replicas ${settings.standbyReplicas}, session.timeout.ms ${settings.sessionTimeoutMs}, commit.interval.ms ${settings.commitIntervalMs}; ours ${settings.compileCache ? 'with' : 'without'} Node's compile cache`);
  say('preparing Kafka Streams (Maven, first run only) and compiling the Java programs…');
  const java = await prepareJavaSide();
  const admin = new KafkaAdmin(kafkaClientConfig.parse({ 'bootstrap.servers': bootstrap, 'client.id': 'bench-recovery-runner' }));
  const trials: TrialResult[] = [];
  const loadAtStart = loadavg();
  try {
    for (const scenario of settings.scenarios) {
      // The engine that goes first alternates, so neither always meets the same neighbours' load.
      const order = settings.scenarios.indexOf(scenario) % 2 === 0 ? [...settings.engines] : [...settings.engines].reverse();
      for (const engine of order) {
        say(`${engine}, ${scenario === 'two' ? 'one of two instances' : 'the only instance'} killed ${settings.kills} times…`);
        const trial = await runTrial({ admin, java, settings, runId, say }, engine, scenario);
        trials.push(trial);
        say(`  output ${trial.outputCheck === undefined ? 'not checked' : `${trial.outputCheck.ok ? 'OK' : 'WRONG'}: ${trial.outputCheck.detail}`}`);
        for (const failure of trial.failures) say(`  FAILURE: ${failure}`);
        say(`  logs: ${trial.logDir}`);
      }
    }
  } finally {
    await admin.close();
  }
  const rows = summariseTrials(trials);
  const loadAtEnd = loadavg();
  console.log(`\n${formatRecoveryTable(rows)}\n`);
  console.log(`load average (1, 5, 15 min) at start ${loadAtStart.map((v) => v.toFixed(1)).join(' ')}, at end ${loadAtEnd.map((v) => v.toFixed(1)).join(' ')} on ${cpus().length} cores`);
  const path = writeRecoveryResults(date, { date, commit, kafkaStreams: KAFKA_VERSION, node: process.version, cpus: cpus().length, loadAtStart, loadAtEnd, settings, rows, trials });
  say(`results written to ${path}`);
  if (trials.some((trial) => trial.failures.length > 0 || trial.outputCheck?.ok !== true)) process.exitCode = 1;
}

await main();
