import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KafkaAdmin } from '../../../processors/kafka/index.ts';
import { isKstError } from '../../../common/errors.ts';
import { clientConfig, unique } from './helpers.ts';

test('admin creates topics with configs, idempotently when asked, describes and deletes them', { timeout: 60_000 }, async () => {
  const admin = new KafkaAdmin(clientConfig('kst-test-admin'));
  const compacted = unique('kst-admin-compact');
  const plain = unique('kst-admin-plain');
  try {
    const created = await admin.createTopics([
      { name: compacted, partitions: 3, replicationFactor: 1, configs: { 'cleanup.policy': 'compact', 'min.compaction.lag.ms': '1000' } },
      { name: plain, partitions: 2 },
    ]);
    assert.deepEqual(created.sort(), [compacted, plain].sort());

    assert.deepEqual(await admin.createTopics([{ name: compacted, partitions: 3 }], { ifNotExists: true }), []);
    await assert.rejects(admin.createTopics([{ name: compacted, partitions: 3 }]), (error) => isKstError(error, 'KST_KAFKA_ADMIN') && /TOPIC_ALREADY_EXISTS/.test(error.message));

    const counts = await admin.partitionCounts([compacted, plain]);
    assert.equal(counts.get(compacted), 3);
    assert.equal(counts.get(plain), 2);
    const [description] = await admin.describeTopics([compacted]);
    assert.equal(description?.partitions.length, 3);
    assert.ok(description?.partitions.every((p) => p.leader >= 0 && p.replicas.length === 1));

    const configs = await admin.describeTopicConfigs(compacted, ['cleanup.policy', 'min.compaction.lag.ms']);
    assert.equal(configs['cleanup.policy'], 'compact');
    assert.equal(configs['min.compaction.lag.ms'], '1000');

    assert.ok((await admin.listTopics()).includes(plain));
    await admin.deleteTopics([compacted, plain]);
    await admin.deleteTopics([compacted], { ifExists: true });
    const deadline = Date.now() + 10_000;
    while ((await admin.listTopics()).includes(plain) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    assert.ok(!(await admin.listTopics()).includes(plain));
  } finally {
    await admin.deleteTopics([compacted, plain], { ifExists: true }).catch(() => undefined);
    await admin.close();
  }
});

test('admin counts the brokers the cluster metadata lists (the stack health probe asks it)', { timeout: 30_000 }, async () => {
  const admin = new KafkaAdmin(clientConfig('kst-test-admin-brokers'));
  try {
    assert.equal(await admin.brokerCount(), 1, 'the local stack runs one broker');
  } finally {
    await admin.close();
  }
});
