import '../../../support/exit-after-tests.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { KafkaAdmin, KafkaConsumer, type TopicPartition } from '../../../../processors/kafka/index.ts';
import { createStreamsAssignor, decodeStreamsAssignment, type StreamsAssignment } from '../../../../processors/runtime/assignment/index.ts';
import { parseTaskId } from '../../../../processors/runtime/assignment/subscription-info.ts';
import { clientConfig, consumerConfig, unique, until } from '../../kafka/helpers.ts';

interface Instance {
  readonly name: string;
  current: StreamsAssignment | null;
  partitions: readonly TopicPartition[];
  stop(): Promise<void>;
}

function start(name: string, topic: string, group: string): Instance {
  const instance: Instance = { name, current: null, partitions: [], stop: async () => undefined };
  const assignor = createStreamsAssignor({
    processId: randomUUID(),
    endpoint: `${name}.local:50051`,
    topology: { subtopologies: [{ id: 0, sourceTopics: [topic], stateful: true, changelogTopics: [`${topic}-store-changelog`] }], copartitionGroups: [] },
    numStandbyReplicas: 1,
    log: () => undefined,
    ownedTasks: () => ({ active: [...(instance.current?.activeTasks.keys() ?? [])].map(parseTaskId), standby: [...(instance.current?.standbyTasks.keys() ?? [])].map(parseTaskId) }),
  });
  const consumer = new KafkaConsumer(clientConfig(`kst-test-${name}`), consumerConfig(group), {
    assignor,
    listener: {
      onPartitionsAssigned: (assignment) => {
        instance.current = decodeStreamsAssignment(assignment.userData);
        instance.partitions = assignment.partitions;
      },
      onPartitionsRevoked: () => {
        instance.partitions = [];
      },
    },
  });
  consumer.subscribe([topic]);
  let running = true;
  const loop = (async () => {
    while (running) await consumer.poll();
  })();
  instance.stop = async () => {
    running = false;
    await loop;
    await consumer.close();
  };
  return instance;
}

const sorted = (keys: Iterable<string>): string[] => [...keys].sort();

test('two KafkaConsumers share a 4-partition topic through the streams assignor', { timeout: 120_000 }, async () => {
  const admin = new KafkaAdmin(clientConfig('kst-test-streams-assignor'));
  const topic = unique('kst-assign');
  const group = unique('kst-assign');
  const instances: Instance[] = [];
  try {
    await admin.createTopics([{ name: topic, partitions: 4 }]);
    const a = start('a', topic, group);
    instances.push(a);
    await until('a runs all four tasks', () => a.current?.activeTasks.size === 4, () => new Promise((r) => setTimeout(r, 50)));
    assert.deepEqual(a.current?.standbyTasks.size, 0, 'no second process to hold standbys');

    const b = start('b', topic, group);
    instances.push(b);
    await until('the tasks are split two and two', () => a.current?.activeTasks.size === 2 && b.current?.activeTasks.size === 2 && a.partitions.length === 2 && b.partitions.length === 2, () => new Promise((r) => setTimeout(r, 50)));
    const aTasks = sorted((a.current as StreamsAssignment).activeTasks.keys());
    const bTasks = sorted((b.current as StreamsAssignment).activeTasks.keys());
    assert.deepEqual(sorted([...aTasks, ...bTasks]), ['0_0', '0_1', '0_2', '0_3']);
    // Sticky: a keeps two of the tasks it ran; each holds the other's tasks as standbys.
    assert.deepEqual(sorted((a.current as StreamsAssignment).standbyTasks.keys()), bTasks);
    assert.deepEqual(sorted((b.current as StreamsAssignment).standbyTasks.keys()), aTasks);
    assert.deepEqual(sorted(a.partitions.map((p) => `${p.topic}-${p.partition}`)), aTasks.map((t) => `${topic}-${t.split('_')[1]}`));
    const hosts = (b.current as StreamsAssignment).hosts;
    assert.deepEqual(hosts.map((h) => h.endpoint).sort(), ['a.local:50051', 'b.local:50051']);
    const hostOfA = hosts.find((h) => h.endpoint === 'a.local:50051');
    assert.deepEqual(sorted(hostOfA?.activePartitions.map((p) => `${p.topic}-${p.partition}`) ?? []), sorted(a.partitions.map((p) => `${p.topic}-${p.partition}`)));

    await a.stop();
    instances.shift();
    await until('b takes over every task', () => b.current?.activeTasks.size === 4, () => new Promise((r) => setTimeout(r, 50)));
    for (const task of bTasks) assert.ok(b.current?.activeTasks.has(task), `b kept ${task}`);
  } finally {
    for (const instance of instances) await instance.stop().catch(() => undefined);
    await admin.deleteTopics([topic], { ifExists: true }).catch(() => undefined);
    await admin.close();
  }
});
