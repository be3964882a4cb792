import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadProcessId, staticProcessId } from '../../../processors/client/process-id.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

test('a dynamic instance keeps the process id it wrote in its state folder', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'kst-process-id-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const first = await loadProcessId(dir, 'app');
  assert.equal(await loadProcessId(dir, 'app'), first);
  assert.notEqual(await loadProcessId(dir, 'other-app'), first);
});

test('a static instance derives its process id from application and instance id, whatever its folder holds', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'kst-process-id-'));
  const other = await mkdtemp(join(tmpdir(), 'kst-process-id-'));
  t.after(() => Promise.all([rm(dir, { recursive: true, force: true }), rm(other, { recursive: true, force: true })]));
  const derived = staticProcessId('app', 'order-0');
  assert.match(derived, UUID);
  assert.equal(staticProcessId('app', 'order-0'), derived);
  assert.notEqual(staticProcessId('app', 'order-1'), derived);
  assert.notEqual(staticProcessId('app2', 'order-0'), derived);
  const dynamic = await loadProcessId(dir, 'app');
  assert.equal(await loadProcessId(dir, 'app', 'order-0'), derived, 'replaces an id written before the instance was static');
  assert.notEqual(dynamic, derived);
  assert.match(await readFile(join(dir, 'app', 'kafka-streams-process-metadata'), 'utf8'), new RegExp(derived));
  assert.equal(await loadProcessId(other, 'app', 'order-0'), derived, 'a fresh folder (another machine) gives the same id');
});
