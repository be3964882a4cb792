import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decoyHash, hashPassword, verifyPassword } from '../../../gateway/auth/password-hash.ts';

const cheap = { N: 1_024, r: 8, p: 1 };

test('a hash verifies its password only, carries its parameters, and differs per salt', async () => {
  const stored = await hashPassword('correct horse battery staple', cheap);
  assert.match(stored, /^scrypt\$1024\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
  assert.equal(await verifyPassword('correct horse battery staple', stored), true);
  assert.equal(await verifyPassword('correct horse battery stapl', stored), false);
  assert.equal(await verifyPassword('Correct horse battery staple', stored), false);
  const again = await hashPassword('correct horse battery staple', cheap);
  assert.notEqual(again, stored, 'a fresh salt each time');
  assert.equal(await verifyPassword('correct horse battery staple', again), true);
});

test('the default cost is scrypt N = 2^15', async () => {
  assert.match(await hashPassword('x'), /^scrypt\$32768\$8\$1\$/);
});

test('unicode passwords are compared in NFC', async () => {
  const stored = await hashPassword('caf\u00e9 au lait!', cheap);
  assert.equal(await verifyPassword('cafe\u0301 au lait!', stored), true);
});

test('malformed stored forms never verify', async () => {
  const stored = await hashPassword('secret password', cheap);
  const [, n, r, p, salt, hash] = stored.split('$');
  for (const bad of ['', 'plain', `bcrypt$${n}$${r}$${p}$${salt}$${hash}`, `scrypt$1000$${r}$${p}$${salt}$${hash}`, `scrypt$${n}$${r}$${p}$$${hash}`, `scrypt$${n}$${r}$${p}$${salt}$${hash?.slice(2)}`, `scrypt$${2 ** 24}$${r}$${p}$${salt}$${hash}`]) {
    assert.equal(await verifyPassword('secret password', bad), false, bad);
  }
});

test('the decoy hash verifies no password', async () => {
  const decoy = await decoyHash(cheap);
  assert.equal(await verifyPassword('', decoy), false);
  assert.equal(await verifyPassword('secret password', decoy), false);
});
