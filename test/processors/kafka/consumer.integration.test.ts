import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  KafkaAdmin,
  KafkaConsumer,
  KafkaProducer,
  PartitionReader,
  TransactionalProducer,
  allMembersRangeAssignor,
  decodeGroupDirectory,
  type Assignment,
  type AssignmentContext,
  type Assignor,
  type TopicPartition,
} from '../../../processors/kafka/index.ts';
import { ProtocolError } from '@platformatic/kafka';
import { wrapApi } from '../../../processors/kafka/api-hooks.ts';
import { clientConfig, consumerConfig, unique, until } from './helpers.ts';

interface Member {
  readonly name: string;
  readonly consumer: KafkaConsumer;
  readonly events: Array<{ kind: 'assigned'; assignment: Assignment } | { kind: 'revoked'; partitions: readonly TopicPartition[] }>;
  current: Assignment | null;
  stop: () => Promise<void>;
}

const leaderContexts: AssignmentContext[] = [];

function recordingAssignor(endpoint: string): Assignor {
  const inner = allMembersRangeAssignor(() => Buffer.from(endpoint));
  return { ...inner, assign: (context) => (leaderContexts.push(context), inner.assign(context)) };
}

function startMember(name: string, topic: string, group: string): Member {
  const events: Member['events'] = [];
  const member: Member = {
    name,
    events,
    current: null,
    stop: async () => undefined,
    consumer: new KafkaConsumer(clientConfig(`kst-test-${name}`), consumerConfig(group), {
      assignor: recordingAssignor(`${name}.local:50051`),
      listener: {
        onPartitionsAssigned: (assignment) => {
          events.push({ kind: 'assigned', assignment });
          member.current = assignment;
        },
        onPartitionsRevoked: (partitions) => {
          events.push({ kind: 'revoked', partitions });
          member.current = null;
        },
      },
    }),
  };
  member.consumer.subscribe([topic]);
  let running = true;
  const loop = (async () => {
    while (running) await member.consumer.poll();
  })();
  member.stop = async () => {
    running = false;
    await loop;
    await member.consumer.close();
  };
  return member;
}

const keys = (partitions: readonly TopicPartition[]): string[] => partitions.map((p) => `${p.topic}-${p.partition}`).sort();
const endpoints = (assignment: Assignment): string[] => decodeGroupDirectory(assignment.userData).map((e) => e.metadata.toString()).sort();

test('two members share partitions through our assignor and learn every member\'s metadata', { timeout: 120_000 }, async () => {
  const admin = new KafkaAdmin(clientConfig('kst-test-group-admin'));
  const topic = unique('kst-group');
  const group = unique('kst-group');
  const members: Member[] = [];
  try {
    await admin.createTopics([{ name: topic, partitions: 6 }]);
    const all = Array.from({ length: 6 }, (_, partition) => `${topic}-${partition}`);

    const a = startMember('a', topic, group);
    members.push(a);
    await until('a owns every partition', () => a.current?.partitions.length === 6, () => new Promise((r) => setTimeout(r, 50)));
    assert.deepEqual(endpoints(a.current as Assignment), ['a.local:50051']);

    const b = startMember('b', topic, group);
    members.push(b);
    await until('a and b share the partitions', () => a.current !== null && b.current !== null && a.current.generationId === b.current.generationId
      && a.current.partitions.length + b.current.partitions.length === 6, () => new Promise((r) => setTimeout(r, 50)));
    const shareA = keys((a.current as Assignment).partitions);
    const shareB = keys((b.current as Assignment).partitions);
    assert.equal(shareA.length, 3);
    assert.equal(shareB.length, 3);
    assert.deepEqual([...shareA, ...shareB].sort(), all.sort(), 'disjoint and covering');
    // Kafka shows member metadata only to the leader; the assignor saw both…
    const lastContext = leaderContexts.at(-1) as AssignmentContext;
    assert.deepEqual(lastContext.members.map((m) => m.metadata.toString()).sort(), ['a.local:50051', 'b.local:50051']);
    assert.equal(lastContext.partitionCounts.get(topic), 6);
    // …and through userData every member learns all members and who owns what.
    assert.deepEqual(endpoints(a.current as Assignment), ['a.local:50051', 'b.local:50051']);
    assert.deepEqual(endpoints(b.current as Assignment), ['a.local:50051', 'b.local:50051']);
    const directory = decodeGroupDirectory((b.current as Assignment).userData);
    assert.deepEqual(keys(directory.find((e) => e.metadata.toString() === 'a.local:50051')?.partitions ?? []), shareA);
    // Eager rebalance: a gave everything back before taking its share.
    assert.deepEqual(a.events.map((e) => e.kind), ['assigned', 'revoked', 'assigned']);
    assert.deepEqual(keys((a.events[1] as { partitions: readonly TopicPartition[] }).partitions), all.sort());

    await b.stop();
    members.splice(members.indexOf(b), 1);
    await until('a owns everything again', () => a.current?.partitions.length === 6, () => new Promise((r) => setTimeout(r, 50)));
    assert.deepEqual(a.events.slice(3).map((e) => e.kind), ['revoked', 'assigned']);
    assert.deepEqual(endpoints(a.current as Assignment), ['a.local:50051']);
    assert.deepEqual(b.events.map((e) => e.kind), ['assigned', 'revoked'], 'b revoked its share when it closed');
  } finally {
    await Promise.all(members.map((m) => m.stop()));
    await admin.deleteTopics([topic], { ifExists: true }).catch(() => undefined);
    await admin.close();
  }
});

test('after a rebalance the lag of the partitions a member keeps is known, though its fetch session returns nothing new for them', { timeout: 90_000 }, async () => {
  const topic = unique('kst-consumer-lag');
  // A second input that never has a record, as a repartition topic before its first write.
  const empty = `${topic}-empty`;
  const admin = new KafkaAdmin(clientConfig());
  const producer = new KafkaProducer(clientConfig());
  const group = unique('kst-consumer-lag-group');
  const members: KafkaConsumer[] = [];
  try {
    await admin.createTopics([{ name: topic, partitions: 4, replicationFactor: 1 }, { name: empty, partitions: 4, replicationFactor: 1 }]);
    await producer.send(Array.from({ length: 8 }, (_, i) => ({ topic, partition: i % 4, key: Buffer.from(`k${i}`), value: Buffer.from('v') })));
    const first = new KafkaConsumer(clientConfig(), consumerConfig(group), { assignor: allMembersRangeAssignor(() => Buffer.from('a')) });
    members.push(first);
    first.subscribe([topic, empty]);
    let seen = 0;
    await until('8 records', () => seen === 8, async () => { seen += (await first.poll()).records.length; });
    // Read to the end: from here on the fetch session has nothing new to say about any partition.
    for (let i = 0; i < 3; i++) await first.poll();

    const second = new KafkaConsumer(clientConfig(), consumerConfig(group), { assignor: allMembersRangeAssignor(() => Buffer.from('b')) });
    members.push(second);
    second.subscribe([topic, empty]);
    const pollSecond = (async () => {
      while ((second.assignment()?.partitions.length ?? 0) < 4) await second.poll();
    })();
    await until('the first member keeps 4 partitions', () => first.assignment()?.partitions.length === 4, () => first.poll());
    await pollSecond;
    for (let i = 0; i < 3; i++) await first.poll();
    for (const partition of first.assignment()?.partitions ?? []) assert.equal(first.currentLag(partition), 0n, `lag of ${partition.topic}-${partition.partition}`);
  } finally {
    await Promise.all(members.map((member) => member.close()));
    await producer.close();
    await admin.deleteTopics([topic, empty], { ifExists: true }).catch(() => undefined);
    await admin.close();
  }
});

test('a new owner\'s assignment waits until a previous owner\'s transaction with offsets for it has ended: its state writes are stable before the listener runs', { timeout: 90_000 }, async () => {
  const input = unique('kst-consumer-handover-in');
  const changelog = `${input}-changelog`;
  const group = unique('kst-consumer-handover-group');
  const admin = new KafkaAdmin(clientConfig());
  const producer = new KafkaProducer(clientConfig());
  const previousOwner = new TransactionalProducer(clientConfig(), unique('kst-consumer-handover-txn'));
  const reader = new PartitionReader(clientConfig(), { isolation: 'read_committed' });
  const consumer = new KafkaConsumer(clientConfig(), consumerConfig(group, { 'isolation.level': 'read_committed' }), {
    assignor: allMembersRangeAssignor(() => Buffer.alloc(0)),
    listener: {
      onPartitionsAssigned: async () => {
        // What a stream task's restoration does here: read the changelog to its last stable offset.
        const [end] = await reader.endOffsets([{ topic: changelog, partition: 0 }]);
        seen = { at: Date.now(), changelogEnd: end?.offset, positions: consumer.positions().map((p) => [p.partition, p.offset]) };
      },
    },
  });
  let seen: { at: number; changelogEnd: bigint | undefined; positions: Array<[number, bigint]> } | undefined;
  try {
    await admin.createTopics([{ name: input, partitions: 1, replicationFactor: 1 }, { name: changelog, partitions: 1, replicationFactor: 1 }]);
    await producer.send(Array.from({ length: 10 }, (_, i) => ({ topic: input, partition: 0, key: Buffer.from(`k${i}`), value: Buffer.from('v') })));
    // The previous owner wrote state and committed its input offsets in a transaction it has not ended yet.
    await previousOwner.initTransactions();
    previousOwner.begin();
    await previousOwner.send(Array.from({ length: 5 }, (_, i) => ({ topic: changelog, partition: 0, key: Buffer.from(`k${i}`), value: Buffer.from(String(i)) })));
    await previousOwner.sendOffsets({ groupId: group, generationId: -1, memberId: '', groupInstanceId: null }, [{ topic: input, partition: 0, offset: 10n }]);
    const [open] = await reader.endOffsets([{ topic: changelog, partition: 0 }]);
    assert.equal(open?.offset, 0n, 'the open transaction holds the last stable offset at its first record');

    consumer.subscribe([input]);
    let committedAt = 0;
    const ending = new Promise<void>((resolve, reject) => setTimeout(() => {
      committedAt = Date.now();
      previousOwner.commit().then(resolve, reject);
    }, 1_500));
    await until('the assignment', () => seen !== undefined, () => consumer.poll());
    await ending;
    const got = seen as NonNullable<typeof seen>;
    assert.ok(got.at >= committedAt, 'the listener ran only after the previous owner\'s transaction ended');
    assert.equal(got.changelogEnd, 6n, 'the listener reads the previous owner\'s 5 writes and its commit marker as stable');
    assert.deepEqual(got.positions, [[0, 10n]], 'and the positions are the offsets that transaction committed');
  } finally {
    await consumer.close();
    await reader.close();
    await previousOwner.close();
    await producer.close();
    await admin.deleteTopics([input, changelog], { ifExists: true }).catch(() => undefined);
    await admin.close();
  }
});

test('a revocation longer than the session timeout keeps the member in the group: it heartbeats while it commits', { timeout: 90_000 }, async () => {
  const topic = unique('kst-consumer-slow-revoke');
  const group = unique('kst-consumer-slow-revoke-group');
  const admin = new KafkaAdmin(clientConfig());
  const timeouts = { 'session.timeout.ms': 6_000, 'rebalance.timeout.ms': 30_000, 'heartbeat.interval.ms': 500 };
  let revoking = false;
  const first = new KafkaConsumer(clientConfig(), consumerConfig(group, timeouts), {
    assignor: allMembersRangeAssignor(() => Buffer.from('a')),
    listener: {
      // 9 s of revocation work (a large commit), half again the session timeout.
      onPartitionsRevoked: async () => {
        revoking = true;
        await new Promise((resolve) => setTimeout(resolve, 9_000));
        revoking = false;
      },
    },
  });
  const secondAssignments: number[] = [];
  const second = new KafkaConsumer(clientConfig(), consumerConfig(group, timeouts), {
    assignor: allMembersRangeAssignor(() => Buffer.from('b')),
    listener: { onPartitionsAssigned: (assignment) => void secondAssignments.push(assignment.partitions.length) },
  });
  try {
    await admin.createTopics([{ name: topic, partitions: 4, replicationFactor: 1 }]);
    first.subscribe([topic]);
    await until('the first member owns 4 partitions', () => first.assignment()?.partitions.length === 4, () => first.poll());
    second.subscribe([topic]);
    const pollingSecond = (async () => {
      while (secondAssignments.length === 0) await second.poll();
    })();
    await until('the first member revoked and owns its share', () => !revoking && first.assignment()?.partitions.length === 2, () => first.poll(), 60_000);
    await pollingSecond;
    assert.deepEqual(secondAssignments, [2], 'the group waited for the slow member: the newcomer never got all 4 partitions');
  } finally {
    await Promise.all([first.close(), second.close()]);
    await admin.deleteTopics([topic], { ifExists: true }).catch(() => undefined);
    await admin.close();
  }
});

test('members closed while their group rebalances leave nothing behind: the process ends on its own', { timeout: 120_000 }, async () => {
  const child = spawn(process.execPath, [fileURLToPath(new URL('./fixtures/close-during-rebalance.ts', import.meta.url))], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const exitedAt = Date.now();
  const closedAt = Number(/closed (\d+)/.exec(output)?.[1]);
  assert.equal(code, 0, output);
  assert.ok(Number.isFinite(closedAt), `the child reports its close: ${output}`);
  // A stray timer would hold it for the 60 s rebalance timeout; the library's stall timer is now 1 s.
  assert.ok(exitedAt - closedAt < 20_000, `the process ended ${exitedAt - closedAt} ms after both members closed`);
});

test('a member whose joins keep failing while the coordinator is away joins once it is back, past the library\'s own retries', { timeout: 90_000 }, async () => {
  const admin = new KafkaAdmin(clientConfig('kst-test-rejoin-admin'));
  const topic = unique('kst-test-rejoin');
  const group = unique('kst-test-rejoin-group');
  // More refusals than the library's own join retries (`retries` 10): it gives up on the join at least twice.
  const REFUSALS = 25;
  let refused = 0;
  let assigned: Assignment | null = null;
  const consumer = new KafkaConsumer(clientConfig('kst-test-rejoin'), consumerConfig(group), {
    assignor: allMembersRangeAssignor(() => Buffer.alloc(0)),
    listener: { onPartitionsAssigned: (assignment) => void (assigned = assignment) },
    apiHooks: {
      JoinGroup: (api) => wrapApi(api, (args, invoke, done) => {
        if (refused < REFUSALS) {
          refused += 1;
          done(new ProtocolError('NOT_COORDINATOR'));
          return;
        }
        invoke(args, done);
      }),
    },
  });
  try {
    await admin.createTopics([{ name: topic, partitions: 2 }]);
    consumer.subscribe([topic]);
    await until('the member to get its assignment after the refused joins', () => assigned !== null, () => consumer.poll().catch(() => undefined), 60_000);
    assert.equal(refused, REFUSALS, 'every planned NOT_COORDINATOR answer was given');
    assert.deepEqual([...(assigned as Assignment | null)?.partitions ?? []].map((tp) => tp.partition).sort(), [0, 1]);
  } finally {
    await consumer.close().catch(() => undefined);
    await admin.deleteTopics([topic]).catch(() => undefined);
    await admin.close();
  }
});
