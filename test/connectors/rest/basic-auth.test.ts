import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BasicAuth } from '../../../connectors/rest/basic-auth.ts';

const basic = (credentials: string): string => `Basic ${Buffer.from(credentials).toString('base64')}`;

test('accepts exactly the users of the file with their passwords', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kst-basic-auth-'));
  const file = join(dir, 'users.properties');
  writeFileSync(file, '# Connect REST users\nadmin=adm:in pass\nops: 0ps\n');
  const auth = BasicAuth.fromFile(file);
  assert.equal(auth.accepts(basic('admin:adm:in pass')), true, 'a password may hold colons and spaces');
  assert.equal(auth.accepts(basic('ops:0ps')), true);
  assert.equal(auth.accepts(`bAsIc ${Buffer.from('ops:0ps').toString('base64')}`), true, 'the scheme is case-insensitive');
  for (const header of [undefined, '', 'Basic', basic('ops:wrong'), basic('nobody:0ps'), basic(':0ps'), basic('ops'), 'Bearer abc', 'Basic !!!!']) {
    assert.equal(auth.accepts(header), false, String(header));
  }
});

test('an empty or unreadable credentials file fails the start, naming the setting', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kst-basic-auth-'));
  const empty = join(dir, 'empty.properties');
  writeFileSync(empty, '# nobody\n');
  assert.throws(() => BasicAuth.fromFile(empty), /KST_CONFIG_INVALID: config "rest.basic.auth.users.file": the credentials file .* has no user=password line/);
  assert.throws(() => BasicAuth.fromFile(join(dir, 'missing')), /KST_CONFIG_INVALID: config "rest.basic.auth.users.file": cannot read the credentials file .* \(ENOENT\)/);
});
