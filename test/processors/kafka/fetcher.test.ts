import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RecordsBatch } from '@platformatic/kafka';
import { fetchRound, type FetchSettings, type PartitionState } from '../../../processors/kafka/fetcher.ts';
import type { WireConsumer } from '../../../processors/kafka/membership.ts';

const SETTINGS: FetchSettings = { maxWaitMs: 10, minBytes: 1, maxBytes: 1_048_576, maxPartitionBytes: 1_048_576, isolationLevel: 1 };

function batch(firstOffset: bigint, values: string[]): RecordsBatch {
  return {
    firstOffset, length: 0, partitionLeaderEpoch: 0, magic: 2, crc: 0, attributes: 0, lastOffsetDelta: values.length - 1,
    firstTimestamp: 1n, maxTimestamp: 1n, producerId: -1n, producerEpoch: 0, firstSequence: 0,
    records: values.map((value, i) => ({ length: 0, attributes: 0, timestampDelta: 0n, offsetDelta: i, key: null, value: Buffer.from(value), headers: [] })),
  };
}

/** Two partitions of topic `t`, led by brokers 1 and 2; each broker answers as `answers` says. */
function twoLeaders(answers: Record<number, 'records' | 'fails'>): WireConsumer {
  const fake = {
    metadata: async () => ({ topics: new Map([['t', { id: 'tid', partitions: [{ leader: 1, leaderEpoch: 0 }, { leader: 2, leaderEpoch: 0 }] }]]) }),
    fetch: async ({ node }: { node: number }) => {
      // The failing broker answers last: the other's data has arrived by then.
      if (answers[node] === 'fails') {
        await new Promise((resolve) => setTimeout(resolve, 20));
        throw new Error('connection closed');
      }
      const partition = node - 1;
      return { responses: [{ topicId: 'tid', partitions: [{ partitionIndex: partition, errorCode: 0, highWatermark: 12n, lastStableOffset: 12n, abortedTransactions: [], records: [batch(10n, ['a', 'b'])] }] }] };
    },
  };
  return fake as unknown as WireConsumer;
}

const states = (): PartitionState[] => [0, 1].map((partition) => ({ topic: 't', partition, offset: 10n, leaderEpoch: -1, paused: false }));

test('a fetch round moves every position once every leader answered', async () => {
  const partitions = states();
  const round = await fetchRound(twoLeaders({ 1: 'records', 2: 'records' }), partitions, SETTINGS);
  assert.deepEqual(round.records.map((r) => `${r.partition}@${r.offset}`), ['0@10', '0@11', '1@10', '1@11']);
  assert.deepEqual(partitions.map((p) => p.offset), [12n, 12n]);
});

test('a fetch round that fails for one leader moves no position: the retried poll loses no record', async () => {
  const partitions = states();
  await assert.rejects(fetchRound(twoLeaders({ 1: 'records', 2: 'fails' }), partitions, SETTINGS), /connection closed/);
  assert.deepEqual(partitions.map((p) => p.offset), [10n, 10n], 'the answered leader\'s records were not consumed either');
});

