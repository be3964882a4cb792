import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileConfigProvider } from '../../../../connectors/config/providers/file-config-provider.ts';

const root = mkdtempSync(join(tmpdir(), 'kst-file-provider-'));
const allowed = join(root, 'secrets');
mkdirSync(allowed);
writeFileSync(join(allowed, 'db.properties'), '# database\npassword=s3cret\nuser = app\n');
writeFileSync(join(root, 'outside.properties'), 'password=outside\n');
symlinkSync(join(root, 'outside.properties'), join(allowed, 'link.properties'));

test('reads keys of a properties file', async () => {
  const provider = fileConfigProvider.create({}, 'p.');
  const answer = await provider.get(join(allowed, 'db.properties'), new Set(['password', 'user', 'nope']));
  assert.deepEqual([...answer.data].sort(), [['password', 's3cret'], ['user', 'app']]);
  assert.match(answer.missing ?? '', /no such key/);
});

test('allowed.paths: a file outside (also through .. or a symbolic link) gives nothing', async () => {
  const provider = fileConfigProvider.create({ 'allowed.paths': allowed }, 'p.');
  assert.equal((await provider.get(join(allowed, 'db.properties'), new Set(['password']))).data.get('password'), 's3cret');
  for (const path of [join(root, 'outside.properties'), `${allowed}/../outside.properties`, join(allowed, 'link.properties')]) {
    const answer = await provider.get(path, new Set(['password']));
    assert.equal(answer.data.size, 0, path);
    assert.match(answer.missing ?? '', /is outside allowed.paths/);
  }
});

test('an unreadable file fails, naming the file', async () => {
  const provider = fileConfigProvider.create({}, 'p.');
  await assert.rejects(provider.get(join(root, 'missing.properties'), new Set(['k'])), /Could not read properties from file .*missing.properties \(ENOENT\)/);
});
