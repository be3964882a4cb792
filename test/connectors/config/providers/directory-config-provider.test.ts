import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { directoryConfigProvider } from '../../../../connectors/config/providers/directory-config-provider.ts';

const root = mkdtempSync(join(tmpdir(), 'kst-dir-provider-'));
const secrets = join(root, 'secrets');
mkdirSync(join(secrets, 'nested'), { recursive: true });
writeFileSync(join(secrets, 'db_password'), 'pw-from-file');
writeFileSync(join(secrets, 'with_newline'), 'line\n');
writeFileSync(join(root, 'outside'), 'nope');

test('a key is a regular file of the directory; its content is the value, as is', async () => {
  const provider = directoryConfigProvider.create({}, 'p.');
  const answer = await provider.get(secrets, new Set(['db_password', 'with_newline', 'nested', 'missing', '../outside']));
  assert.deepEqual([...answer.data].sort(), [['db_password', 'pw-from-file'], ['with_newline', 'line\n']]);
  assert.equal((await provider.get(join(secrets, 'db_password'), new Set(['x']))).missing, `${join(secrets, 'db_password')} is not a directory`);
});

test('allowed.paths limits the directories it reads', async () => {
  const provider = directoryConfigProvider.create({ 'allowed.paths': secrets }, 'p.');
  assert.equal((await provider.get(secrets, new Set(['db_password']))).data.get('db_password'), 'pw-from-file');
  const outside = await provider.get(root, new Set(['outside']));
  assert.equal(outside.data.size, 0);
  assert.match(outside.missing ?? '', /is outside allowed.paths/);
});
