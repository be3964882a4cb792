// The changelog a client creates at start may not be known yet to the broker it asks
// first, and restoration runs inside the consumer's assignment callback. A failed
// ListOffsets there must neither kill the thread nor leave it holding an assignment it
// has no tasks for (fetching records nobody processes, committing nothing): the adapter
// retries stale metadata, and whatever still fails is retried by running the assignment
// again. The failure is injected into the Kafka client's ListOffsets, once per changelog.

import '../../support/exit-after-tests.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Consumer, NetworkError, UserError } from '@platformatic/kafka';
import { KafkaStreams } from '../../../processors/client/index.ts';
import { Serdes } from '../../../schemas/serdes/serdes.ts';
import { Consumed, Materialized, Produced, StreamsBuilder, type Topology } from '../../../processors/dsl/index.ts';
import { bootstrap, createTopics, latestCounts, produce, readUntil, sameCounts, tempStateDir, text, uniqueName, waitForState } from './helpers.ts';

function counts(input: string, output: string): Topology {
  const builder = new StreamsBuilder();
  builder.stream(input, Consumed.with(Serdes.String(), Serdes.String()))
    .groupByKey()
    .count(Materialized.as<string, number>('counts').withStoreType('rocksdb'))
    .toStream()
    .to(output, Produced.with(Serdes.String(), Serdes.Long()));
  return builder.build();
}

type ListOffsets = (this: Consumer<Buffer, Buffer, Buffer, Buffer>, options: { topics?: string[] }, callback?: unknown) => unknown;

/** Makes the first ListOffsets naming a changelog fail with `failure(topic)`; returns the undo. */
function failFirstChangelogListing(failure: (topic: string) => Error, failed: string[]): () => void {
  const prototype = Consumer.prototype as unknown as { listOffsets: ListOffsets };
  const original = prototype.listOffsets;
  prototype.listOffsets = function (options, callback) {
    const topic = options.topics?.find((t) => t.endsWith('-changelog') && !failed.includes(t));
    if (topic === undefined) return original.call(this, options, callback);
    failed.push(topic);
    if (typeof callback === 'function') {
      process.nextTick(() => (callback as (error: Error) => void)(failure(topic)));
      return undefined;
    }
    return Promise.reject(failure(topic));
  };
  return () => {
    prototype.listOffsets = original;
  };
}

const failures = {
  // What the library reports when its metadata request does not find the topic.
  'the broker does not know the new changelog yet': (topic: string) => new UserError(`Unknown topic ${topic}.`),
  // Not a metadata problem, so the adapter leaves it to the caller: the thread runs the assignment again.
  'the connection drops while restoration lists the changelog offsets': () => new NetworkError('Connection closed'),
};

for (const [name, failure] of Object.entries(failures)) {
  test(`at_least_once count: ${name}; the thread recovers and counts every record`, { timeout: 120_000 }, async () => {
    const input = uniqueName('kst-ar-in');
    const output = uniqueName('kst-ar-out');
    const applicationId = uniqueName('kst-ar');
    await createTopics([{ name: input, partitions: 2 }, { name: output, partitions: 2 }]);
    const keys = Array.from({ length: 500 }, (_, i) => `k${i % 17}`);
    await produce(keys.map((key, i) => ({ topic: input, key: text(key), value: text(`v${i}`) })));
    const expected = new Map<string, number>();
    for (const key of keys) expected.set(key, (expected.get(key) ?? 0) + 1);

    const failed: string[] = [];
    const undo = failFirstChangelogListing(failure, failed);
    const state = tempStateDir();
    const streams = new KafkaStreams(counts(input, output), {
      'application.id': applicationId,
      'bootstrap.servers': bootstrap(),
      'processing.guarantee': 'at_least_once',
      'state.dir': state.dir,
      'commit.interval.ms': 200,
      'session.timeout.ms': 10_000,
      'heartbeat.interval.ms': 1_000,
    });
    const states: string[] = [];
    streams.setStateListener((next) => states.push(next));
    try {
      await streams.start();
      await waitForState(streams, 'RUNNING');
      const records = await readUntil(output, (r) => sameCounts(latestCounts(r), expected), { timeoutMs: 60_000 });
      assert.deepEqual(latestCounts(records), expected);
      assert.deepEqual(failed, [`${applicationId}-counts-changelog`], 'the failure was injected once');
      assert.ok(!states.includes('ERROR') && !states.includes('PENDING_ERROR'), `states: ${states.join(' → ')}`);
    } finally {
      undo();
      assert.equal(await streams.close({ timeoutMs: 30_000 }), true);
      state.remove();
    }
  });
}
