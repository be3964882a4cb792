import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSigningKeyFile, loadSigningKey } from '../../../gateway/auth/signing-key.ts';

const VARIABLE = 'GATEWAY_AUTH_PRIVATE_KEY_FILE';

test('signing keys: a generated Ed25519 key signs EdDSA, RSA ≥ 2048 RS256; anything else names the variable', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kst-signing-key-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));

  const file = join(dir, 'sub', 'key.pem');
  assert.equal(generateSigningKeyFile(file), true);
  assert.equal(statSync(file).mode & 0o777, 0o600);
  const first = readFileSync(file, 'utf8');
  assert.equal(generateSigningKeyFile(file), false, 'an existing key is kept');
  assert.equal(readFileSync(file, 'utf8'), first);
  const ed = await loadSigningKey(file, VARIABLE);
  assert.equal(ed.alg, 'EdDSA');
  assert.equal(ed.jwks.keys.length, 1);
  assert.deepEqual({ ...ed.jwks.keys[0], x: 'x' }, { kty: 'OKP', crv: 'Ed25519', x: 'x', kid: ed.kid, alg: 'EdDSA', use: 'sig' });
  assert.equal((await loadSigningKey(file, VARIABLE)).kid, ed.kid, 'the kid is the key\'s thumbprint');

  const rsa = join(dir, 'rsa.pem');
  writeFileSync(rsa, generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }));
  const rs = await loadSigningKey(rsa, VARIABLE);
  assert.equal(rs.alg, 'RS256');
  assert.equal(rs.jwks.keys[0]?.['d'], undefined, 'public only');

  const cases: Array<[string, string | null, RegExp]> = [
    ['missing.pem', null, /cannot be read/],
    ['garbage.pem', 'not a key', /not a PEM private key/],
    ['small-rsa.pem', generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, /1024 bits; at least 2048/],
    ['ec.pem', generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, /a key of type ec; the gateway signs with Ed25519/],
    ['public.pem', generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }) as string, /not a PEM private key/],
  ];
  for (const [name, content, message] of cases) {
    const path = join(dir, name);
    if (content !== null) writeFileSync(path, content);
    await assert.rejects(loadSigningKey(path, VARIABLE), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'KST_CONFIG_INVALID');
      assert.match(error.message, new RegExp(`${VARIABLE} names .*${name}`));
      assert.match(error.message, message);
      return true;
    }, name);
  }
});
