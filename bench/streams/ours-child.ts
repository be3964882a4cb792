/**
 * Our engine's side of `bench/run.ts`, run as a child process of its own (as the Java
 * side runs in its JVM): the same four topologies as `bench/java/StreamsBench.java`,
 * with the same arguments. Prints "STARTED" when the client reaches RUNNING (as the
 * Java side does) and closes cleanly when stdin ends.
 *
 *   node bench/streams/ours-child.ts <filter-map|count|join|window> <at_least_once|exactly_once_v2> \
 *     <bootstrap> <input> <output> <application.id> <state.dir> <commit.interval.ms> <cache bytes> <table topic|->
 */

import { KafkaStreams } from '../../processors/client/kafka-streams.ts';
import { Serdes } from '../../schemas/serdes/serdes.ts';
import { Consumed, Materialized, Produced, StreamsBuilder, TimeWindows, WindowedSerdes } from '../../processors/dsl/index.ts';
import { joinValues, keep, transform } from './data.ts';
import { WINDOW_GRACE_MS, WINDOW_SIZE_MS } from './settings.ts';

const [topology, guarantee, bootstrap, input, output, applicationId, stateDir, commitMs, cacheBytes, tableTopic] = process.argv.slice(2);
if (tableTopic === undefined || (guarantee !== 'at_least_once' && guarantee !== 'exactly_once_v2')) {
  console.error('usage: ours-child.ts <filter-map|count|join|window> <at_least_once|exactly_once_v2> <bootstrap> <input> <output> <application.id> <state.dir> <commit.interval.ms> <cache bytes> <table topic|->');
  process.exit(2);
}

const S = Serdes.String();
const builder = new StreamsBuilder();
const stream = builder.stream(input as string, Consumed.with(S, S));
switch (topology) {
  case 'filter-map':
    stream.filter((_key, value) => keep(value)).mapValues((value) => transform(value)).to(output as string, Produced.with(S, S));
    break;
  case 'count':
    stream
      .groupByKey()
      .count(Materialized.as<string, number>('counts').withStoreType('rocksdb'))
      .toStream()
      .to(output as string, Produced.with(S, Serdes.Long()));
    break;
  case 'join': {
    // Lazily materialized as in Kafka Streams: RocksDB store `<topic>-STATE-STORE-…` with a changelog.
    const table = builder.table(tableTopic, Consumed.with(S, S));
    stream.join(table, (value, row) => joinValues(value, row)).to(output as string, Produced.with(S, S));
    break;
  }
  case 'window':
    stream
      .groupByKey()
      .windowedBy(TimeWindows.ofSizeAndGrace(WINDOW_SIZE_MS, WINDOW_GRACE_MS))
      .count(Materialized.as<string, number>('window-counts').withStoreType('rocksdb'))
      .toStream()
      .to(output as string, Produced.with(WindowedSerdes.timeWindowedSerdeFrom(S, WINDOW_SIZE_MS), Serdes.Long()));
    break;
  default:
    console.error(`unknown topology ${topology}`);
    process.exit(2);
}

const streams = new KafkaStreams(builder.build(), {
  'application.id': applicationId as string,
  'bootstrap.servers': bootstrap as string,
  'processing.guarantee': guarantee,
  'num.stream.threads': 1,
  'commit.interval.ms': Number(commitMs),
  'state.dir': stateDir as string,
  'cache.max.bytes.buffering': Number(cacheBytes),
});

let closing: Promise<void> | undefined;
function close(code: number): Promise<void> {
  if (closing !== undefined) return closing;
  const closed: Promise<void> = streams.close({ timeoutMs: 30_000 }).then(
    (inTime) => {
      console.log(inTime ? 'CLOSED' : 'CLOSED (timed out)');
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error('close failed', error);
      process.exitCode = 1;
    },
  );
  closing = closed;
  return closed;
}

streams.setStateListener((next) => {
  if (next === 'RUNNING') console.log('STARTED');
  if (next === 'ERROR') console.error('FAILED', streams.lastError);
});
process.stdin.on('data', () => undefined);
process.stdin.on('end', () => void close(0));
try {
  await streams.start();
} catch (error) {
  console.error('FAILED', error);
  await close(1);
}
