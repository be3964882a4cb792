import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from 'prom-client';
import { checkpointOutsideLog, reportStateWipe } from '../../../../processors/runtime/restoration/index.ts';

test('a wipe is logged and counted per application and reason, on one counter per registry', async () => {
  const registry = new Registry();
  const lines: string[] = [];
  const log = (line: string): void => void lines.push(line);
  reportStateWipe({ registry, applicationId: 'app', reason: 'cluster-changed', message: 'folder of cluster X', log });
  reportStateWipe({ registry, applicationId: 'app', reason: 'task-corrupted', message: 'task 0_1', log });
  reportStateWipe({ registry, applicationId: 'app', reason: 'task-corrupted', message: 'task 0_2', log });
  reportStateWipe({ registry: undefined, applicationId: 'app', reason: 'task-corrupted', message: 'no registry', log });
  assert.deepEqual(lines, ['[state] folder of cluster X', '[state] task 0_1', '[state] task 0_2', '[state] no registry']);
  const metric = (await registry.getMetricsAsJSON()).find((entry) => entry.name === 'kstreams_state_wiped_total');
  assert.deepEqual(metric?.values.map((value) => [value.labels['reason'], value.value]).sort(), [['cluster-changed', 1], ['task-corrupted', 2]]);
});

test('a checkpoint restores from inside the log only', () => {
  assert.equal(checkpointOutsideLog(5n, 0n, 10n), undefined);
  assert.equal(checkpointOutsideLog(10n, 0n, 10n), undefined, 'at the end: nothing to restore');
  assert.equal(checkpointOutsideLog(3n, 3n, 10n), undefined);
  assert.match(checkpointOutsideLog(11n, 0n, 10n) ?? '', /past the log's end 10/);
  assert.match(checkpointOutsideLog(7n, 0n, 0n) ?? '', /past the log's end 0 \(the changelog was deleted or recreated\)/);
  assert.match(checkpointOutsideLog(2n, 3n, 10n) ?? '', /before the log's start 3 \(retention\)/);
});
