import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isKstError } from '../../common/errors.ts';
import { bindStateToCluster, clusterBindingAction, CLUSTER_ID_FILE } from '../../state/cluster-binding.ts';
import { tempDir } from './support.ts';

test('a folder is kept for its own cluster, wiped for another, and bound when new or empty', () => {
  assert.equal(clusterBindingAction('A', [CLUSTER_ID_FILE, '0_0'], 'A'), 'keep');
  assert.equal(clusterBindingAction('B', [CLUSTER_ID_FILE, '0_0'], 'A'), 'wipe');
  assert.equal(clusterBindingAction('B', [CLUSTER_ID_FILE], 'A'), 'wipe');
  assert.equal(clusterBindingAction(undefined, [], 'A'), 'record');
  assert.equal(clusterBindingAction(undefined, [`${CLUSTER_ID_FILE}.tmp`], 'A'), 'record');
  // State without a record is of unknown origin: it could be any cluster's.
  assert.equal(clusterBindingAction(undefined, ['0_0'], 'A'), 'wipe');
  assert.equal(clusterBindingAction(undefined, ['kafka-streams-process-metadata'], 'A'), 'wipe');
});

test('binding records the id, keeps the state of the same cluster and wipes that of another', async (t) => {
  const dir = tempDir();
  t.after(() => dir.remove());
  const root = join(dir.path, 'app');

  assert.deepEqual(await bindStateToCluster(root, 'cluster-A'), { action: 'record', recorded: undefined, clusterId: 'cluster-A' });
  assert.equal(readFileSync(join(root, CLUSTER_ID_FILE), 'utf8'), 'cluster-A\n');
  mkdirSync(join(root, '0_0', 'kv'), { recursive: true });
  writeFileSync(join(root, '0_0', '.checkpoint'), '0\n0\n');

  assert.deepEqual(await bindStateToCluster(root, 'cluster-A'), { action: 'keep', recorded: 'cluster-A', clusterId: 'cluster-A' });
  assert.ok(existsSync(join(root, '0_0', 'kv')), 'the same cluster keeps its state');

  assert.deepEqual(await bindStateToCluster(root, 'cluster-B'), { action: 'wipe', recorded: 'cluster-A', clusterId: 'cluster-B' });
  assert.equal(existsSync(join(root, '0_0')), false, 'another cluster\'s state is gone');
  assert.equal(readFileSync(join(root, CLUSTER_ID_FILE), 'utf8'), 'cluster-B\n');
});

test('a blank cluster id is refused, not recorded', async (t) => {
  const dir = tempDir();
  t.after(() => dir.remove());
  for (const id of ['', ' ', 'a b']) {
    await assert.rejects(bindStateToCluster(join(dir.path, 'app'), id), (error) => isKstError(error, 'KST_STORE_IO'));
  }
  assert.equal(existsSync(join(dir.path, 'app')), false);
});
