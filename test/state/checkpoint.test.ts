import { afterEach, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { isKstError } from '../../common/errors.ts';
import { CHECKPOINT_FILE, OffsetCheckpoint, checkpointedOffset } from '../../state/checkpoint.ts';
import { tempDir } from './support.ts';

let dir: ReturnType<typeof tempDir>;
let checkpoint: OffsetCheckpoint;
beforeEach(() => {
  dir = tempDir();
  checkpoint = new OffsetCheckpoint(join(dir.path, CHECKPOINT_FILE));
});
afterEach(() => dir.remove());

test('a missing checkpoint reads as no offsets: restore from the beginning', async () => {
  assert.deepEqual(await checkpoint.read(), []);
});

test('offsets are written in Kafka Streams\' format and read back, replacing the previous file', async () => {
  await checkpoint.write([{ topic: 'app-a-changelog', partition: 0, offset: 5n }]);
  const offsets = [
    { topic: 'app-counts-changelog', partition: 3, offset: 1042n },
    { topic: 'app-carts-changelog', partition: 3, offset: 9_007_199_254_740_993n },
  ];
  await checkpoint.write(offsets);
  assert.equal(readFileSync(checkpoint.path, 'utf8'), '0\n2\napp-counts-changelog 3 1042\napp-carts-changelog 3 9007199254740993\n');
  const read = await checkpoint.read();
  assert.deepEqual(read, offsets);
  assert.equal(checkpointedOffset(read, 'app-carts-changelog', 3), 9_007_199_254_740_993n);
  assert.equal(checkpointedOffset(read, 'app-carts-changelog', 4), undefined);
  assert.equal(existsSync(`${checkpoint.path}.tmp`), false, 'the temporary file was renamed');
});

test('a corrupt checkpoint is a coded error that tells the caller to wipe and restore', async () => {
  for (const text of ['', '1\n0\n', '0\n2\napp-a-changelog 0 5\n', '0\n1\napp-a-changelog zero 5\n', '0\n1\napp-a-changelog 0\n', '0\nx\n', '0\n1\napp a 0 5\n']) {
    writeFileSync(checkpoint.path, text);
    await assert.rejects(checkpoint.read(), (error) => isKstError(error, 'KST_STORE_CHECKPOINT_CORRUPT') && error.recovery === 'restart', JSON.stringify(text));
  }
});

test('an empty checkpoint is valid, and delete removes the file', async () => {
  await checkpoint.write([]);
  assert.deepEqual(await checkpoint.read(), []);
  await checkpoint.delete();
  assert.equal(existsSync(checkpoint.path), false);
  await checkpoint.delete();
});
