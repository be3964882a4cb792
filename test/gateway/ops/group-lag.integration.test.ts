/**
 * Group lag against the real broker: a group that committed part of one partition and
 * nothing of the other is behind by the rest of the first and all of the second.
 */

import '../../support/exit-after-tests.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KafkaAdmin } from '../../../processors/kafka/index.ts';
import { KafkaGroupLag } from '../../../gateway/ops/group-lag.ts';
import { clientConfig, createTopics, produce, uniqueName } from '../../processors/client/helpers.ts';

test('per partition: the committed offset (null without one), the end and the difference', async (t) => {
  const topic = uniqueName('kst-ops-lag');
  const group = uniqueName('kst-ops-lag-group');
  await createTopics([{ name: topic, partitions: 2 }]);
  const record = (partition: number, i: number) => ({ topic, partition, key: Buffer.from(`k${i}`), value: Buffer.from(`v${i}`) });
  await produce([...Array.from({ length: 5 }, (_, i) => record(0, i)), ...Array.from({ length: 3 }, (_, i) => record(1, i))]);
  const admin = new KafkaAdmin(clientConfig('kst-ops-lag-admin'));
  const lag = new KafkaGroupLag(clientConfig('kst-ops-lag'));
  t.after(async () => {
    await admin.deleteTopics([topic], { ifExists: true }).catch(() => undefined);
    await admin.close();
    await lag.close();
  });
  await admin.alterGroupOffsets(group, [{ topic, partition: 0, offset: 2n }]);

  const lags = await lag.of(group, [{ topic, partition: 0 }, { topic, partition: 1 }]);
  assert.deepEqual(lags.sort((a, b) => a.partition - b.partition), [
    { topic, partition: 0, committed: 2, end: 5, lag: 3 },
    { topic, partition: 1, committed: null, end: 3, lag: 3 },
  ]);
  assert.deepEqual(await lag.of(group, []), []);
});
