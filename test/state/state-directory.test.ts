import { afterEach, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { isKstError } from '../../common/errors.ts';
import { StateDirectory } from '../../state/state-directory.ts';
import { tempDir } from './support.ts';

let dir: ReturnType<typeof tempDir>;
let directory: StateDirectory;
beforeEach(() => {
  dir = tempDir();
  directory = new StateDirectory(dir.path, 'orders-service');
});
afterEach(() => dir.remove());

test('task and store folders are <state.dir>/<application.id>/<taskId>/<store>', async () => {
  assert.equal(directory.taskDir('0_3'), join(dir.path, 'orders-service', '0_3'));
  assert.equal(directory.storeDir('0_3', 'counts'), join(dir.path, 'orders-service', '0_3', 'counts'));
  assert.equal(directory.checkpoint('0_3').path, join(dir.path, 'orders-service', '0_3', '.checkpoint'));
  assert.equal(await directory.ensureTaskDir('0_3'), directory.taskDir('0_3'));
  assert.ok(existsSync(directory.taskDir('0_3')));
});

test('lists the task folders present, ignoring anything else', async () => {
  assert.deepEqual(await directory.listTasks(), [], 'no folder yet');
  await directory.ensureTaskDir('1_0');
  await directory.ensureTaskDir('0_2');
  mkdirSync(join(directory.root, 'not-a-task'));
  writeFileSync(join(directory.root, '2_2'), 'a file, not a folder');
  assert.deepEqual(await directory.listTasks(), ['0_2', '1_0']);
});

test('wiping a task removes its stores and checkpoint and leaves other tasks alone', async () => {
  await directory.ensureTaskDir('0_1');
  mkdirSync(directory.storeDir('0_1', 'counts'));
  writeFileSync(join(directory.storeDir('0_1', 'counts'), 'CURRENT'), 'x');
  await directory.checkpoint('0_1').write([{ topic: 'orders-service-counts-changelog', partition: 1, offset: 3n }]);
  await directory.ensureTaskDir('0_2');
  await directory.wipeTask('0_1');
  assert.equal(existsSync(directory.taskDir('0_1')), false);
  assert.deepEqual(await directory.listTasks(), ['0_2']);
  await directory.wipeTask('0_9');
});

test('names that would leave the folder are refused', () => {
  assert.throws(() => directory.taskDir('../0_1'), (error) => isKstError(error, 'KST_CONFIG_INVALID'));
  assert.throws(() => directory.storeDir('0_1', '..'), (error) => isKstError(error, 'KST_CONFIG_INVALID'));
  assert.throws(() => new StateDirectory(dir.path, 'a/b'), (error) => isKstError(error, 'KST_CONFIG_INVALID'));
});
