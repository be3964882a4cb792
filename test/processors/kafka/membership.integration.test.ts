/**
 * Static membership in the adapter's group protocol hooks (membership.ts), against the
 * real broker: a second consumer with the same group.instance.id takes the first one's
 * place (a restart as the coordinator sees it); the first, a zombie now, is told so
 * (FENCED_INSTANCE_ID), fails with KST_KAFKA_INSTANCE_FENCED and does not rejoin (which
 * would fence its replacement in turn), while the replacement keeps its place and
 * partitions. A plain close keeps the static member in the group; close with leaveGroup
 * removes it.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isKstError } from '../../../common/errors.ts';
import { KafkaAdmin, KafkaConsumer, allMembersRangeAssignor, type Assignment } from '../../../processors/kafka/index.ts';
import { clientConfig, consumerConfig, unique, until } from './helpers.ts';


function staticConsumer(group: string, instance: string, assigned: Assignment[]): KafkaConsumer {
  return new KafkaConsumer(clientConfig(`kst-test-${instance}`), consumerConfig(group, { 'session.timeout.ms': 30_000, 'rebalance.timeout.ms': 30_000, 'heartbeat.interval.ms': 300 }), {
    groupInstanceId: instance,
    assignor: allMembersRangeAssignor(() => Buffer.from(instance)),
    listener: { onPartitionsAssigned: (assignment) => void assigned.push(assignment) },
  });
}

test('a static member replaced by a new incarnation is fenced and stays out; the new one keeps the place; close keeps it, close with leaveGroup removes it', { timeout: 90_000 }, async (t) => {
  const admin = new KafkaAdmin(clientConfig('kst-test-membership-admin'));
  const topic = unique('kst-test-static');
  const group = unique('kst-test-static-group');
  await admin.createTopics([{ name: topic, partitions: 2, replicationFactor: 1 }]);
  const open: KafkaConsumer[] = [];
  t.after(async () => {
    for (const consumer of open) await consumer.close().catch(() => undefined);
    await admin.deleteTopics([topic], { ifExists: true }).catch(() => undefined);
    await admin.deleteGroups([group]).catch(() => undefined);
    await admin.close();
  });
  const instances = async (): Promise<string[]> => (await admin.describeGroup(group)).members.map((m) => m.groupInstanceId ?? '(dynamic)').sort();

  const firstAssigned: Assignment[] = [];
  const first = staticConsumer(group, 'worker-0', firstAssigned);
  open.push(first);
  first.subscribe([topic]);
  await until('the first incarnation owns both partitions', () => firstAssigned.at(-1)?.partitions.length === 2, () => first.poll());
  const oldMemberId = (firstAssigned.at(-1) as Assignment).memberId;

  const secondAssigned: Assignment[] = [];
  const second = staticConsumer(group, 'worker-0', secondAssigned);
  open.push(second);
  second.subscribe([topic]);
  await until('the new incarnation took the place with the same partitions', () => secondAssigned.length > 0, () => second.poll());
  const taken = secondAssigned.at(-1) as Assignment;
  assert.notEqual(taken.memberId, oldMemberId, 'the coordinator gave the new incarnation a new member id');
  assert.equal(taken.generationId, (firstAssigned.at(-1) as Assignment).generationId, 'no rebalance: the same generation');
  assert.deepEqual(taken.partitions.map((p) => p.partition).sort(), [0, 1]);

  let fenced: unknown = null;
  await until('the old incarnation learns it is fenced', () => fenced !== null, async () => {
    try {
      await first.poll();
    } catch (error) {
      fenced = error;
    }
  }, 20_000);
  assert.ok(isKstError(fenced, 'KST_KAFKA_INSTANCE_FENCED'), `fenced with ${String(fenced)}`);
  // Several heartbeats of the old incarnation later, the new one still holds its place and partitions.
  const generation = taken.generationId;
  for (const end = Date.now() + 2_000; Date.now() < end;) await second.poll();
  assert.equal(secondAssigned.length, 1, 'the new incarnation was never reassigned: the fenced one did not rejoin');
  assert.equal(second.groupMetadata().generationId, generation);
  assert.deepEqual(await instances(), ['worker-0']);

  await second.close();
  assert.deepEqual(await instances(), ['worker-0'], 'a plain close keeps the static member in the group');
  const thirdAssigned: Assignment[] = [];
  const third = staticConsumer(group, 'worker-0', thirdAssigned);
  open.push(third);
  third.subscribe([topic]);
  await until('a restart after the close takes the place back', () => thirdAssigned.length > 0, () => third.poll());
  assert.equal((thirdAssigned.at(-1) as Assignment).generationId, generation, 'still no rebalance');
  await third.close({ leaveGroup: true });
  assert.deepEqual(await instances(), [], 'close with leaveGroup removes the static member at once');
});
