import '../../support/exit-after-tests.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KafkaStreams, QueryableStoreTypes, type StreamsConfigInput } from '../../../processors/client/index.ts';
import { KstError, isKstError } from '../../../common/errors.ts';
import { Serdes } from '../../../schemas/serdes/serdes.ts';
import { COUNTS_STORE, splitWords, wordCount } from './fixtures/word-count.ts';
import { bootstrap, createTopics, expectedCounts, latestCounts, makeLines, produce, readUntil, sameCounts, tempStateDir, text, uniqueName, waitForState } from './helpers.ts';

const PARTITIONS = 4;

/** Runs `read` until it stops throwing the retriable store error; returns its answer and how many retries it took. */
async function retrying<T>(read: () => Promise<T>, timeoutMs = 60_000): Promise<{ value: T; retries: number }> {
  const deadline = Date.now() + timeoutMs;
  for (let retries = 0; ; retries++) {
    try {
      return { value: await read(), retries };
    } catch (error) {
      if (!isKstError(error, 'KST_STREAMS_STORE_UNAVAILABLE') || Date.now() > deadline) throw error;
      assert.equal(error.recovery, 'retry');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

async function until(done: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
}

/** Partitions of the counting sub-topology's tasks that the client runs as active. */
function activePartitions(streams: KafkaStreams): Set<number> {
  const out = new Set<number>();
  for (const thread of streams.localThreadsMetadata()) for (const task of thread.activeTasks) if (task.taskId.startsWith('1_')) out.add(Number(task.taskId.split('_')[1]));
  return out;
}

test('interactive queries: metadata names the owner of every key from either instance, local gets answer on the owner, rebalances throw the retriable error', { timeout: 240_000 }, async (t) => {
  const input = uniqueName('kst-iq-in');
  const output = uniqueName('kst-iq-out');
  const applicationId = uniqueName('kst-iq');
  await createTopics([{ name: input, partitions: PARTITIONS }, { name: output, partitions: PARTITIONS }]);
  const dirs = [tempStateDir(), tempStateDir(), tempStateDir()];
  const config = (index: number): StreamsConfigInput => ({
    'application.id': applicationId,
    'bootstrap.servers': bootstrap(),
    'state.dir': dirs[index]?.dir as string,
    'application.server': `localhost:${7001 + index}`,
    'commit.interval.ms': 100,
    'session.timeout.ms': 10_000,
    'heartbeat.interval.ms': 500,
  });
  const instances: KafkaStreams[] = [];
  t.after(async () => {
    await Promise.all(instances.map((s) => s.close({ timeoutMs: 30_000 })));
    for (const dir of dirs) dir.remove();
  });
  const counts = (streams: KafkaStreams) => streams.store({ storeName: COUNTS_STORE, queryableStoreType: QueryableStoreTypes.keyValueStore<string, number>() });

  const a = new KafkaStreams(wordCount(input, output), config(0));
  instances.push(a);
  await a.start();
  // Right after start the group has not assigned anything: retriable, and retrying works.
  assert.throws(() => a.queryMetadataForKey(COUNTS_STORE, 'alpha', Serdes.String()), (e: unknown) => isKstError(e, 'KST_STREAMS_STORE_UNAVAILABLE') && e.canRetry);
  const early = await retrying(() => Promise.resolve(counts(a).get('alpha')));
  assert.ok(early.retries > 0, 'a query right after start waits for the assignment');
  assert.equal(early.value, undefined);

  const b = new KafkaStreams(wordCount(input, output), config(1));
  instances.push(b);
  await b.start();
  await waitForState(a, 'RUNNING');
  await waitForState(b, 'RUNNING');
  const lines = makeLines(600, 11);
  await produce(lines.map((line, i) => ({ topic: input, key: text(`k${i}`), value: text(line) })));
  const expected = expectedCounts(lines, splitWords);
  await readUntil(output, (r) => sameCounts(latestCounts(r), expected), { timeoutMs: 90_000 });
  await t.test('metadata and local gets', async () => {
    await until(() => activePartitions(a).size > 0 && activePartitions(a).size + activePartitions(b).size === PARTITIONS);
    const owners = [activePartitions(a), activePartitions(b)];
    assert.equal(owners[0]!.size + owners[1]!.size, PARTITIONS, 'the two instances share the 4 tasks');
    for (const [word, count] of expected) {
      const fromA = a.queryMetadataForKey(COUNTS_STORE, word, Serdes.String());
      const fromB = b.queryMetadataForKey(COUNTS_STORE, word, Serdes.String());
      assert.deepEqual(fromA, fromB, `both instances agree on ${word}`);
      const owner = owners[0]!.has(fromA.partition) ? 0 : 1;
      assert.ok(owners[owner]!.has(fromA.partition), `partition ${fromA.partition} of ${word} runs somewhere`);
      assert.deepEqual(fromA.activeHost, { host: 'localhost', port: 7001 + owner }, `${word} (partition ${fromA.partition}) is active on instance ${owner}`);
      const ownerStreams = owner === 0 ? a : b;
      const other = owner === 0 ? b : a;
      assert.equal(await counts(ownerStreams).get(word), count, `count of ${word} on its owner`);
      await assert.rejects(async () => counts(other).get(word), (e: unknown) => isKstError(e, 'KST_STREAMS_STORE_UNAVAILABLE'), `${word} is not on the other instance`);
    }
    const union = new Map<string, number>();
    for (const streams of [a, b]) for await (const { key, value } of counts(streams).all()) union.set(key, value);
    assert.ok(sameCounts(union, expected), 'all() of both instances together is the whole table');
    const stamped = await b.store({ storeName: COUNTS_STORE, queryableStoreType: QueryableStoreTypes.timestampedKeyValueStore<string, number>() }).all()[Symbol.asyncIterator]().next();
    assert.equal(typeof (stamped.value as { value: { timestamp: number } }).value.timestamp, 'number', 'the timestamped view gives ValueAndTimestamp');
    assert.equal(a.streamsMetadataForStore(COUNTS_STORE).length, 2);
  });

  await t.test('a third instance joins: queries during the rebalance throw the retriable error, then answer', async () => {
    const c = new KafkaStreams(wordCount(input, output), config(2));
    instances.push(c);
    const word = [...expected.keys()][0] as string;
    let retries = 0;
    await c.start();
    // Ask through whichever instance the metadata names, as a router would, until the group settles.
    const deadline = Date.now() + 90_000;
    while (Date.now() < deadline) {
      const answer = await retrying(async () => {
        const meta = [a, b, c][0]!.queryMetadataForKey(COUNTS_STORE, word, Serdes.String());
        const target = [a, b, c][meta.activeHost.port - 7001] as KafkaStreams;
        return counts(target).get(word);
      });
      retries += answer.retries;
      assert.equal(answer.value, expected.get(word));
      if ([a, b, c].every((s) => s.state === 'RUNNING') && activePartitions(c).size > 0 && retries > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.ok(retries > 0, 'some query met the rebalance');
    assert.ok(activePartitions(c).size > 0, 'the third instance took tasks');
  });
});

test('standby copies: stale queries read them, lags report them, fresh queries refuse them', { timeout: 180_000 }, async (t) => {
  const input = uniqueName('kst-iqs-in');
  const output = uniqueName('kst-iqs-out');
  const applicationId = uniqueName('kst-iqs');
  await createTopics([{ name: input, partitions: 2 }, { name: output, partitions: 2 }]);
  const dirs = [tempStateDir(), tempStateDir()];
  const instances = dirs.map((dir, index) => new KafkaStreams(wordCount(input, output), {
    'application.id': applicationId,
    'bootstrap.servers': bootstrap(),
    'state.dir': dir.dir,
    'application.server': `localhost:${7201 + index}`,
    'num.standby.replicas': 1,
    'commit.interval.ms': 100,
    'session.timeout.ms': 10_000,
    'heartbeat.interval.ms': 500,
  }));
  t.after(async () => {
    await Promise.all(instances.map((s) => s.close({ timeoutMs: 30_000 })));
    for (const dir of dirs) dir.remove();
  });
  for (const streams of instances) await streams.start();
  for (const streams of instances) await waitForState(streams, 'RUNNING');
  await until(() => instances.every((s) => activePartitions(s).size === 1));
  const lines = makeLines(300, 5);
  await produce(lines.map((line, i) => ({ topic: input, key: text(`k${i}`), value: text(line) })));
  const expected = expectedCounts(lines, splitWords);
  await readUntil(output, (r) => sameCounts(latestCounts(r), expected), { timeoutMs: 90_000 });

  for (const [word, count] of expected) {
    const meta = instances[0]!.queryMetadataForKey(COUNTS_STORE, word, Serdes.String());
    assert.equal(meta.standbyHosts.length, 1, `${word} has a standby`);
    const standby = instances[meta.standbyHosts[0]!.port - 7201] as KafkaStreams;
    const fresh = standby.store({ storeName: COUNTS_STORE, queryableStoreType: QueryableStoreTypes.keyValueStore<string, number>() });
    await assert.rejects(async () => fresh.get(word), (e: unknown) => isKstError(e, 'KST_STREAMS_STORE_UNAVAILABLE'));
    const stale = standby.store({ storeName: COUNTS_STORE, queryableStoreType: QueryableStoreTypes.keyValueStore<string, number>(), enableStaleStores: true });
    const read = await retrying(async () => {
      const value = await stale.get(word);
      if (value !== count) throw new KstError('KST_STREAMS_STORE_UNAVAILABLE', 'the standby has not caught up yet', {});
      return value;
    });
    assert.equal(read.value, count, `the standby of ${word} caught up`);
  }
  for (const streams of instances) {
    const lags = (await streams.allLocalStorePartitionLags()).get(COUNTS_STORE);
    assert.equal(lags?.size, 2, 'one active and one standby partition each');
    for (const [partition, lag] of lags ?? []) {
      assert.ok(lag.endOffsetPosition > 0n, `changelog partition ${partition} has records`);
      assert.equal(lag.offsetLag, lag.endOffsetPosition - lag.currentOffsetPosition);
    }
  }
});

