import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair } from 'jose';
import { isKstError } from '../../../common/errors.ts';
import { signToken } from '../../../gateway/auth/jwt.ts';
import { ServiceTokens } from '../../../gateway/auth/service-token.ts';
import { DEV_JWT_SECRET, isLoopbackHost, secretField, verifierFromSettings, type TokenSettings } from '../../../gateway/auth/settings.ts';

const names = { secret: 'GATEWAY_JWT_SECRET', jwksUrl: 'GATEWAY_JWKS_URL', jwksFile: 'GATEWAY_JWKS_FILE', host: 'GATEWAY_HTTP_HOST' };
const none: TokenSettings = { secret: '', jwksUrl: '', jwksFile: '', issuer: '', audience: '', maxLifetimeS: 3_600, clockSkewMs: 30_000 };
const invalidNaming = (variable: string, pattern: RegExp) => (e: unknown): boolean => isKstError(e, 'KST_CONFIG_INVALID') && e.message.includes(variable) && pattern.test(e.message);
const dir = mkdtempSync(join(tmpdir(), 'kst-auth-settings-'));

test('loopback is 127.0.0.0/8, ::1 and localhost; nothing else', () => {
  for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]', '::ffff:127.0.0.1']) assert.ok(isLoopbackHost(host), host);
  for (const host of ['0.0.0.0', '::', '10.0.0.5', '192.168.1.1', 'gateway', 'example.com', '128.0.0.1', '::ffff:10.0.0.1']) assert.ok(!isLoopbackHost(host), host);
});

test('a secret is empty, the development secret, or at least 32 bytes', () => {
  const field = secretField('doc');
  assert.equal(field.convert('', 'jwt.secret'), '');
  assert.equal(field.convert(DEV_JWT_SECRET, 'jwt.secret'), DEV_JWT_SECRET);
  assert.equal(field.convert('x'.repeat(32), 'jwt.secret'), 'x'.repeat(32));
  assert.throws(() => field.convert('x'.repeat(31), 'jwt.secret'), (e: unknown) => isKstError(e, 'KST_CONFIG_INVALID') && /"jwt.secret" must be at least 32 bytes/.test(e.message));
});

test('the development secret is refused on a non-loopback host, naming GATEWAY_JWT_SECRET; accepted on loopback', () => {
  for (const host of ['0.0.0.0', '10.1.2.3', 'gateway']) {
    assert.throws(() => verifierFromSettings({ ...none, secret: DEV_JWT_SECRET }, names, host, ['customer', 'admin']), invalidNaming('GATEWAY_JWT_SECRET', /public development secret.*loopback/s), host);
  }
  assert.equal(typeof verifierFromSettings({ ...none, secret: DEV_JWT_SECRET }, names, '127.0.0.1', ['customer']), 'function');
  assert.equal(typeof verifierFromSettings({ ...none, secret: 'y'.repeat(32) }, names, '0.0.0.0', ['customer']), 'function', 'a real secret on any host');
  assert.equal(verifierFromSettings(none, names, '127.0.0.1', ['customer']), undefined, 'no key material: the caller decides');
});

test('RS256 tokens verify against a JWKS file; the file is checked at start, naming its variable', async () => {
  const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
  const file = join(dir, 'jwks.json');
  writeFileSync(file, JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: 'idp-1', alg: 'RS256', use: 'sig' }] }));
  const verify = verifierFromSettings({ ...none, jwksFile: file, audience: 'kstreams' }, names, '0.0.0.0', ['customer', 'admin']);
  assert.ok(verify);
  const token = await signToken({ sub: 'c-7', role: 'customer', aud: 'kstreams' }, { privateKey, alg: 'RS256', kid: 'idp-1' });
  assert.deepEqual(await verify(token), { subject: 'c-7', role: 'customer' });
  await assert.rejects(verify(await signToken({ sub: 'c-7', role: 'customer', aud: 'kstreams' }, 'z'.repeat(32))), (e: unknown) => isKstError(e, 'KST_GATEWAY_AUTH_FAILED'), 'HS256 is not accepted without a secret');

  assert.throws(() => verifierFromSettings({ ...none, jwksFile: join(dir, 'missing.json') }, names, '127.0.0.1', ['customer']), invalidNaming('GATEWAY_JWKS_FILE', /not a readable JSON file/));
  const empty = join(dir, 'empty.json');
  writeFileSync(empty, '{"keys":[]}');
  assert.throws(() => verifierFromSettings({ ...none, jwksFile: empty }, names, '127.0.0.1', ['customer']), invalidNaming('GATEWAY_JWKS_FILE', /not a JWKS/));
  const secretKeys = join(dir, 'private.json');
  writeFileSync(secretKeys, JSON.stringify({ keys: [await exportJWK(privateKey)] }));
  assert.throws(() => verifierFromSettings({ ...none, jwksFile: secretKeys }, names, '127.0.0.1', ['customer']), invalidNaming('GATEWAY_JWKS_FILE', /public keys only/));
  assert.throws(() => verifierFromSettings({ ...none, jwksUrl: 'ftp://idp/jwks' }, names, '127.0.0.1', ['customer']), invalidNaming('GATEWAY_JWKS_URL', /http\(s\) URL/));
  assert.throws(() => verifierFromSettings({ ...none, jwksUrl: 'https://idp/jwks', jwksFile: file }, names, '127.0.0.1', ['customer']), invalidNaming('GATEWAY_JWKS_FILE', /both set/));
});

test('service tokens have role service, verify, and are signed anew after half their lifetime', async () => {
  let now = Date.now();
  const key = 's'.repeat(32);
  const tokens = new ServiceTokens({ secret: key, subject: 'gateway', lifetimeS: 300, now: () => now });
  const verify = verifierFromSettings({ ...none, secret: key }, names, '127.0.0.1', ['service']);
  assert.ok(verify);
  const first = await tokens.current();
  const claims = JSON.parse(Buffer.from(first.split('.')[1] as string, 'base64url').toString()) as Record<string, number | string>;
  assert.equal(claims['role'], 'service');
  assert.equal(Number(claims['exp']) - Number(claims['iat']), 300);
  assert.deepEqual(await verify(first), { subject: 'gateway', role: 'service' });
  now += 100_000;
  assert.equal(await tokens.current(), first, 'kept before half its life');
  now += 60_000;
  assert.notEqual(await tokens.current(), first, 'renewed after half its life');
});
