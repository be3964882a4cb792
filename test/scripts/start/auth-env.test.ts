import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEV_JWT_SECRET } from '../../../gateway/auth/settings.ts';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSigningKey } from '../../../gateway/auth/signing-key.ts';
import { platformAuth, signInKeyEnv } from '../../../scripts/start/auth-env.ts';

test('with no key set, npm start uses the development secret for the gateway and every query server, and warns loudly', () => {
  const auth = platformAuth({});
  assert.equal(auth.usesDevSecret, true);
  assert.equal(auth.gateway['GATEWAY_JWT_SECRET'], DEV_JWT_SECRET);
  assert.equal(auth.query['QUERY_AUTH_JWT_SECRET'], DEV_JWT_SECRET, 'the query servers authenticate too');
  const text = auth.warnings.join('\n');
  assert.match(text, /WARNING: .*PUBLIC development JWT secret/);
  assert.match(text, /GATEWAY_JWT_SECRET/);
});

test('the gateway\'s key material and checks go to the query servers as QUERY_AUTH_*; no warning with a real secret', () => {
  const secret = 'a-real-secret-of-at-least-32-bytes!!';
  const auth = platformAuth({ GATEWAY_JWT_SECRET: secret, GATEWAY_JWT_ISSUER: 'kst', GATEWAY_JWT_MAX_LIFETIME_S: '600' });
  assert.equal(auth.usesDevSecret, false);
  assert.deepEqual(auth.warnings, []);
  assert.deepEqual(auth.query, { QUERY_AUTH_JWT_SECRET: secret, QUERY_AUTH_JWT_ISSUER: 'kst', QUERY_AUTH_JWT_MAX_LIFETIME_S: '600' });
  assert.deepEqual(platformAuth({ GATEWAY_JWT_SECRET: secret, QUERY_AUTH_JWT_SECRET: 'own' }).query, { QUERY_AUTH_JWT_SECRET: 'own' }, 'an explicit QUERY_AUTH_* wins');
});

test('an identity provider\'s JWKS replaces the development secret; without a secret the gateway needs a service token', () => {
  const auth = platformAuth({ GATEWAY_JWKS_URL: 'https://idp.example/jwks' });
  assert.equal(auth.usesDevSecret, false);
  assert.equal(auth.gateway['GATEWAY_JWT_SECRET'], undefined);
  assert.equal(auth.query['QUERY_AUTH_JWKS_URL'], 'https://idp.example/jwks');
  assert.match(auth.warnings.join('\n'), /GATEWAY_QUERY_TOKEN/);
  assert.deepEqual(platformAuth({ GATEWAY_JWKS_URL: 'https://idp.example/jwks', GATEWAY_QUERY_TOKEN: 't' }).warnings, []);
});

test('npm start generates a development sign-in key once under the stack home, and keeps one that is set', async (t) => {
  const home = mkdtempSync(join(tmpdir(), 'kst-auth-env-'));
  t.after(() => rmSync(home, { recursive: true, force: true }));
  const printed: string[] = [];
  const first = signInKeyEnv({}, home, (line) => printed.push(line));
  const file = join(home, 'gateway', 'signing-key.pem');
  assert.deepEqual(first, { GATEWAY_AUTH_PRIVATE_KEY_FILE: file });
  assert.equal((await loadSigningKey(file, 'GATEWAY_AUTH_PRIVATE_KEY_FILE')).alg, 'EdDSA');
  assert.match(printed.join('\n'), /generated the gateway's development sign-in key/);
  const pem = readFileSync(file, 'utf8');
  assert.deepEqual(signInKeyEnv({}, home, (line) => printed.push(line)), first);
  assert.equal(readFileSync(file, 'utf8'), pem, 'the same key on the next start');
  assert.equal(printed.length, 1);
  assert.deepEqual(signInKeyEnv({ GATEWAY_AUTH_PRIVATE_KEY_FILE: '/etc/key.pem' }, home), { GATEWAY_AUTH_PRIVATE_KEY_FILE: '/etc/key.pem' });
});
