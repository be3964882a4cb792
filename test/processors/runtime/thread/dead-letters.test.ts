import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KstError } from '../../../../common/errors.ts';
import type { ProducerRecord } from '../../../../processors/kafka/index.ts';
import { DLQ_HEADERS, deadLetterHandler, deadLetterRecord } from '../../../../processors/runtime/thread/dead-letters.ts';

const context = { taskId: { subtopology: 0, partition: 2 }, nodeName: 'KSTREAM-SOURCE-0000000000', topic: 'orders', partition: 2, offset: 41n };
const input = { topic: 'orders', partition: 2, offset: 41n, key: Buffer.from('k'), value: Buffer.from('{bad'), timestamp: 1_000n, headers: [['trace', Buffer.from('t')] as const] };

test('a dead letter keeps the record bytes and headers and adds the KIP-1034 error headers', () => {
  const error = new KstError('KST_SERDE_DESERIALIZE', 'not JSON');
  const record = deadLetterRecord('dlq', { kind: 'deserialization', context, error, input });
  const header = (name: string): string | undefined => record.headers?.find(([key]) => key === name)?.[1].toString();
  assert.equal(record.topic, 'dlq');
  assert.equal(record.key?.toString(), 'k');
  assert.equal(record.value?.toString(), '{bad');
  assert.equal(record.timestamp, 1_000n);
  assert.equal(header('trace'), 't');
  assert.equal(header(DLQ_HEADERS.exception), 'KstError[KST_SERDE_DESERIALIZE]');
  assert.equal(header(DLQ_HEADERS.message), 'KST_SERDE_DESERIALIZE: not JSON');
  assert.match(header(DLQ_HEADERS.stacktrace) ?? '', /at /);
  assert.equal(header(DLQ_HEADERS.topic), 'orders');
  assert.equal(header(DLQ_HEADERS.partition), '2');
  assert.equal(header(DLQ_HEADERS.offset), '41');
});

test('the handler logs every skip and queues a DLQ record only when a topic is set', () => {
  const queued: ProducerRecord[] = [];
  const logged: string[] = [];
  const collector = { sendRecord: (record: ProducerRecord) => void queued.push(record) };
  const letter = { kind: 'processing' as const, context: { ...context, topic: undefined, partition: undefined, offset: undefined }, error: new Error('boom'), input: undefined };
  deadLetterHandler({ topic: undefined, collector, log: (m) => logged.push(m) })(letter);
  assert.equal(queued.length, 0);
  deadLetterHandler({ topic: 'dlq', collector, log: (m) => logged.push(m) })(letter);
  assert.equal(queued.length, 1);
  assert.equal(queued[0]?.value, null, 'a punctuator failure has no record');
  assert.equal(logged.length, 2);
  assert.match(logged[0] ?? '', /punctuator.*boom/);
});
