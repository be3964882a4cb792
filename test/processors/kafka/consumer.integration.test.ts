import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  KafkaAdmin,
  KafkaConsumer,
  KafkaProducer,
  allMembersRangeAssignor,
  decodeGroupDirectory,
  type Assignment,
  type AssignmentContext,
  type Assignor,
  type TopicPartition,
} from '../../../processors/kafka/index.ts';
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
