import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KstError } from '../../../../common/errors.ts';
import { decodeStreamsAssignment, encodeStreamsAssignment, type StreamsAssignment } from '../../../../processors/runtime/assignment/assignment-info.ts';
import { decodeSubscriptionInfo, encodeSubscriptionInfo } from '../../../../processors/runtime/assignment/subscription-info.ts';

test('a streams assignment survives encoding, with a topic dictionary keeping it small', () => {
  const tp = (topic: string, partition: number) => ({ topic, partition });
  const assignment: StreamsAssignment = {
    activeTasks: new Map([['0_3', [tp('orders', 3), tp('app-x-repartition', 3)]], ['1_300', [tp('payments', 300)]]]),
    standbyTasks: new Map([['0_1', [tp('orders', 1)]]]),
    hosts: [{ endpoint: 'a:1', processId: 'p-a', activePartitions: [tp('orders', 3)], standbyPartitions: [tp('orders', 1)] }],
    errorCode: 0,
  };
  const bytes = encodeStreamsAssignment(assignment);
  assert.deepEqual(decodeStreamsAssignment(bytes), assignment);
  assert.ok(bytes.length < 120, `${bytes.length} bytes`);

  const failed = { activeTasks: new Map(), standbyTasks: new Map(), hosts: [], errorCode: 16, errorMessage: 'topics differ' };
  assert.deepEqual(decodeStreamsAssignment(encodeStreamsAssignment(failed)), failed);
});

test('a subscription survives encoding, offset sums included', () => {
  const info = {
    processId: '6f1c6a36-0d1f-4b8e-9d7f-6b7f2d1f3e11',
    endpoint: 'host:50051',
    activeTasks: [{ subtopology: 0, partition: 1 }],
    standbyTasks: [{ subtopology: 2, partition: 200 }],
    taskOffsetSums: new Map([['2_200', 123_456_789_012n], ['0_1', 0n]]),
  };
  assert.deepEqual(decodeSubscriptionInfo(encodeSubscriptionInfo(info)), { version: 1, latestSupportedVersion: 1, ...info });
  const noEndpoint = decodeSubscriptionInfo(encodeSubscriptionInfo({ ...info, endpoint: undefined }));
  assert.equal(noEndpoint.endpoint, undefined);
});

test('foreign or truncated blobs fail with KST_KAFKA_ASSIGNOR', () => {
  const bytes = encodeStreamsAssignment({ activeTasks: new Map([['0_0', [{ topic: 't', partition: 0 }]]]), standbyTasks: new Map(), hosts: [], errorCode: 0 });
  for (const blob of [bytes.subarray(0, bytes.length - 2), Buffer.from([0, 0]), Buffer.alloc(0)]) {
    assert.throws(() => decodeStreamsAssignment(blob), (error) => error instanceof KstError && error.code === 'KST_KAFKA_ASSIGNOR');
  }
  assert.throws(() => decodeSubscriptionInfo(Buffer.from('endpoint')), (error) => error instanceof KstError && error.code === 'KST_KAFKA_ASSIGNOR');
});

test('version 2 carries the probing rebalance time; a version-1 blob (no such field) still reads', () => {
  const assignment: StreamsAssignment = {
    activeTasks: new Map([['0_1', [{ topic: 'orders', partition: 1 }]]]),
    standbyTasks: new Map([['0_0', [{ topic: 'orders', partition: 0 }]]]),
    hosts: [],
    errorCode: 0,
    probingRebalanceAtMs: 1_765_000_000_123,
  };
  const blob = encodeStreamsAssignment(assignment);
  assert.deepEqual(decodeStreamsAssignment(blob), assignment);
  const { probingRebalanceAtMs: _, ...withoutProbe } = assignment;
  const none = encodeStreamsAssignment(withoutProbe);
  assert.deepEqual(decodeStreamsAssignment(none), withoutProbe);
  // Version 1: the same bytes without the trailing varint (0 here, one byte) and with version 1.
  const v1 = Buffer.from(none.subarray(0, none.length - 1));
  v1.writeInt16BE(1, 0);
  assert.deepEqual(decodeStreamsAssignment(v1), withoutProbe);
});
