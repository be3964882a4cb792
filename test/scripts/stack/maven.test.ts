import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installOnce, pomFor } from '../../../scripts/stack/maven.ts';

test('the generated pom lists each dependency', () => {
  const pom = pomFor(['org.apache.kafka:kafka_2.13:4.1.2']);
  assert.match(pom, /<groupId>org\.apache\.kafka<\/groupId><artifactId>kafka_2\.13<\/artifactId><version>4\.1\.2<\/version>/);
});

test('an install is built once, and a failed build leaves nothing a later run would trust', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'kstack-mvn-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const target = join(root, 'dist-1');

  await assert.rejects(installOnce(target, async (staging) => {
    mkdirSync(staging);
    writeFileSync(join(staging, 'half'), '');
    throw new Error('network down');
  }), /network down/);
  assert.deepEqual(readdirSync(root), []);

  let builds = 0;
  const build = async (staging: string, scratch: string): Promise<void> => {
    builds += 1;
    assert.ok(existsSync(scratch));
    mkdirSync(staging);
    writeFileSync(join(staging, 'bin'), 'ok');
  };
  assert.equal(await installOnce(target, build), true);
  assert.equal(await installOnce(target, build), false);
  assert.equal(builds, 1);
  assert.equal(readFileSync(join(target, 'bin'), 'utf8'), 'ok');
  assert.deepEqual(readdirSync(root), ['dist-1']);
});
