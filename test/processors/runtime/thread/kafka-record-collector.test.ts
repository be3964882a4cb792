import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KstError, isKstError } from '../../../../common/errors.ts';
import type { ProducerRecord, ProduceResult, TooLargeRecord } from '../../../../processors/kafka/index.ts';
import { KafkaRecordCollector } from '../../../../processors/runtime/thread/kafka-record-collector.ts';

/** A fake producer: answers base offsets per partition as a broker would, or fails on demand. */
function fakeProducer() {
  const next = new Map<string, bigint>();
  const batches: ProducerRecord[][] = [];
  let failWith: Error | null = null;
  const send = async (records: readonly ProducerRecord[]): Promise<ProduceResult> => {
    await new Promise((resolve) => setImmediate(resolve));
    if (failWith !== null) throw failWith;
    batches.push([...records]);
    const counts = new Map<string, { topic: string; partition: number; count: number }>();
    for (const r of records) {
      const partition = r.partition ?? 0;
      const key = `${r.topic}-${partition}`;
      const entry = counts.get(key) ?? { topic: r.topic, partition, count: 0 };
      entry.count++;
      counts.set(key, entry);
    }
    return [...counts].map(([key, { topic, partition, count }]) => {
      const base = next.get(key) ?? 0n;
      next.set(key, base + BigInt(count));
      return { topic, partition, offset: base };
    });
  };
  return { send, batches, fail: (error: Error | null) => void (failWith = error) };
}

test('records are buffered, sent in batches of producer.batch.records and at flush; changelog offsets are tracked', async () => {
  const producer = fakeProducer();
  const collector = new KafkaRecordCollector({ send: producer.send, changelogTopics: new Set(['app-s-changelog']), partitionCounts: new Map([['out', 3]]), batchRecords: 3 });
  collector.send('out', undefined, Buffer.from('k'), Buffer.from('v'), 5, []);
  collector.send('app-s-changelog', 1, Buffer.from('k'), Buffer.from('1'), 5, []);
  assert.equal(collector.maybeSend(), undefined, 'below the batch size nothing is sent');
  collector.send('app-s-changelog', 1, Buffer.from('k'), Buffer.from('2'), 6, []);
  await collector.maybeSend();
  collector.send('app-s-changelog', 1, Buffer.from('k'), Buffer.from('3'), 7, []);
  await collector.flush();
  assert.deepEqual(producer.batches.map((b) => b.length), [3, 1]);
  assert.equal(producer.batches[0]?.[0]?.timestamp, 5n);
  assert.equal(producer.batches[0]?.[0]?.partition, undefined);
  assert.equal(collector.changelogOffset('app-s-changelog', 1), 3n);
  assert.equal(collector.sentRecords, 4);
  assert.equal(collector.partitionsFor('out'), 3);
  assert.throws(() => collector.partitionsFor('elsewhere'), (e: unknown) => isKstError(e, 'KST_KAFKA_PRODUCE'));
});

test('sendIfIdle sends what is buffered below the batch size when no send is in flight, and leaves it for the next send when one is', async () => {
  const producer = fakeProducer();
  const collector = new KafkaRecordCollector({ send: producer.send, changelogTopics: new Set(), partitionCounts: new Map(), batchRecords: 100 });
  collector.sendIfIdle();
  assert.equal(producer.batches.length, 0, 'nothing buffered, nothing sent');
  collector.send('out', undefined, Buffer.from('k'), Buffer.from('1'), 5, []);
  collector.sendIfIdle();
  assert.equal(collector.buffered, 0, 'the one record left at once');
  collector.send('out', undefined, Buffer.from('k'), Buffer.from('2'), 6, []);
  collector.sendIfIdle();
  assert.equal(collector.buffered, 1, 'a send is in flight: the record waits for the next one');
  await collector.flush();
  assert.deepEqual(producer.batches.map((b) => b.map((r) => r.value?.toString())), [['1'], ['2']]);
});

test('a failed send surfaces at the next flush; log-and-continue drops the batch unless the producer is fenced', async () => {
  const producer = fakeProducer();
  let continueOnError = false;
  const collector = new KafkaRecordCollector({ send: producer.send, changelogTopics: new Set(), partitionCounts: new Map(), batchRecords: 100, continueOnSendError: () => continueOnError });
  producer.fail(new KstError('KST_KAFKA_PRODUCE', 'record too large'));
  collector.send('out', 0, null, Buffer.from('v'), 1, []);
  await assert.rejects(collector.flush(), (e: unknown) => isKstError(e, 'KST_KAFKA_PRODUCE'));
  continueOnError = true;
  collector.send('out', 0, null, Buffer.from('v'), 1, []);
  await collector.flush();
  assert.equal(collector.droppedRecords, 1);
  producer.fail(new KstError('KST_KAFKA_PRODUCER_FENCED', 'fenced'));
  collector.send('out', 0, null, Buffer.from('v'), 1, []);
  await assert.rejects(collector.flush(), (e: unknown) => isKstError(e, 'KST_KAFKA_PRODUCER_FENCED'));
  collector.send('out', 0, null, Buffer.from('v'), 1, []);
  await collector.clear();
  assert.equal(collector.buffered, 0);
  producer.fail(null);
  await collector.flush();
  assert.equal(producer.batches.length, 0);
});

test('a record too large to send goes through the production handler: CONTINUE skips it, FAIL fails the flush naming topic and partition', async () => {
  const { ProduceLimits, planRequests, tooLargeError } = await import('../../../../processors/kafka/index.ts');
  const sent: ProducerRecord[] = [];
  // What the adapter does: too large records go to onTooLarge, the rest is sent.
  const send = async (records: readonly ProducerRecord[], options: { onTooLarge?: (r: TooLargeRecord, e: KstError) => void }): Promise<ProduceResult> => {
    const plan = planRequests(records, () => 2, new ProduceLimits(16_384, 1_048_576));
    for (const rejected of plan.tooLarge) options.onTooLarge?.(rejected, tooLargeError(rejected));
    for (const request of plan.requests) sent.push(...request.records);
    return [];
  };
  const decisions: string[] = [];
  let response: 'CONTINUE' | 'FAIL' = 'CONTINUE';
  const collector = new KafkaRecordCollector({
    send, changelogTopics: new Set(), partitionCounts: new Map(), batchRecords: 100,
    onRecordTooLarge: (rejected) => {
      decisions.push(`${rejected.topic}-${rejected.partition}`);
      return response;
    },
  });
  collector.send('out', 1, Buffer.from('small'), Buffer.from('v'), 1, []);
  collector.send('out', 0, Buffer.from('big'), Buffer.alloc(1_500_000), 1, []);
  await collector.flush();
  assert.deepEqual(sent.map((r) => r.key?.toString()), ['small']);
  assert.deepEqual(decisions, ['out-0']);
  assert.equal(collector.droppedRecords, 1);
  assert.equal(collector.sentRecords, 1);
  response = 'FAIL';
  collector.send('out', 1, Buffer.from('big'), Buffer.alloc(1_500_000), 1, []);
  await assert.rejects(collector.flush(), (e: unknown) => isKstError(e, 'KST_KAFKA_RECORD_TOO_LARGE') && /out-1/.test(e.message) && /chose FAIL/.test(e.message));
});
