/**
 * Our engine's side of `bench/recovery/run.ts`, one instance per process: the same
 * counting application as `bench/java/RecoveryBench.java` (count per key in a RocksDB
 * store, each update written as "<marker>:<count>"), with static membership,
 * exactly_once_v2 and standby replicas. Prints "BOOTED <ms>" (process uptime, the engine
 * imported and the topology built) just before it starts the client, "STARTED" whenever
 * the client reaches RUNNING; closes cleanly when stdin ends.
 *
 *   node bench/recovery/ours-child.ts <bootstrap> <input> <output> <application.id> <state.dir> \
 *     <group.instance.id> <marker> <session.timeout.ms> <commit.interval.ms> <num.standby.replicas>
 */

import { flushCompileCache } from 'node:module';
import { KafkaStreams, Materialized, Produced, Consumed, Serdes, StreamsBuilder } from '../../index.ts';

const [bootstrap, input, output, applicationId, stateDir, instanceId, marker, sessionMs, commitMs, standbys] = process.argv.slice(2);
if (standbys === undefined) {
  console.error('usage: ours-child.ts <bootstrap> <input> <output> <application.id> <state.dir> <group.instance.id> <marker> <session.timeout.ms> <commit.interval.ms> <num.standby.replicas>');
  process.exit(2);
}

const S = Serdes.String();
const builder = new StreamsBuilder();
builder
  .stream(input as string, Consumed.with(S, S))
  .groupByKey()
  .count(Materialized.as<string, number>('counts').withStoreType('rocksdb'))
  .toStream()
  .mapValues((count) => `${marker}:${count}`)
  .to(output as string, Produced.with(S, S));

const streams = new KafkaStreams(builder.build(), {
  'application.id': applicationId as string,
  'bootstrap.servers': bootstrap as string,
  'processing.guarantee': 'exactly_once_v2',
  'num.stream.threads': 1,
  'state.dir': stateDir as string,
  'commit.interval.ms': Number(commitMs),
  'num.standby.replicas': Number(standbys),
  'cache.max.bytes.buffering': 10 * 1024 * 1024,
  'group.instance.id': instanceId as string,
  'session.timeout.ms': Number(sessionMs),
});

let closing: Promise<void> | undefined;
function close(code: number): Promise<void> {
  closing ??= streams.close({ timeoutMs: 30_000 }).then(
    (inTime) => {
      console.log(inTime ? 'CLOSED' : 'CLOSED (timed out)');
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error('close failed', error);
      process.exitCode = 1;
    },
  );
  return closing;
}

streams.setStateListener((next) => {
  if (next === 'RUNNING') console.log('STARTED');
  if (next === 'ERROR') console.error('FAILED', streams.lastError);
});
process.stdin.on('data', () => undefined);
process.stdin.on('end', () => void close(0));
console.log(`BOOTED ${Math.round(performance.now())}`);
// Node writes its compile cache only at a normal exit, which a SIGKILLed child never
// reaches: write it now, so every restart boots as a service that once stopped cleanly.
flushCompileCache();
try {
  await streams.start();
} catch (error) {
  console.error('FAILED', error);
  await close(1);
}
