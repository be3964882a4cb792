/**
 * The sign-in routes in process, with the sign-in state in memory (the real one, on Kafka,
 * is tested in auth.integration.test.ts): input validation, the same 401 for a wrong email
 * and a wrong password, the per-address limit, sign-out through the revocation state, and
 * the OpenAPI document of the routes.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AttemptLimiter } from '../../../../gateway/auth/attempt-limiter.ts';
import type { AccountRecord, Registration } from '../../../../gateway/auth/auth-state.ts';
import { createTokenVerifier } from '../../../../gateway/auth/jwt.ts';
import { decoyHash } from '../../../../gateway/auth/password-hash.ts';
import type { SignIn } from '../../../../gateway/auth/sign-in.ts';
import { generateSigningKeyFile, loadSigningKey } from '../../../../gateway/auth/signing-key.ts';
import { TokenIssuer, withIssuedTokens } from '../../../../gateway/auth/token-issuer.ts';
import type { CommandSink } from '../../../../gateway/commands/command-publisher.ts';
import type { Accepted, QueryReader } from '../../../../gateway/http/context.ts';
import { IdempotencyCache } from '../../../../gateway/http/idempotency-cache.ts';
import { GatewayMetrics } from '../../../../gateway/http/metrics.ts';
import { RateLimiter } from '../../../../gateway/http/rate-limiter.ts';
import { buildHttpApi } from '../../../../gateway/http/server.ts';

const dir = mkdtempSync(join(tmpdir(), 'kst-auth-routes-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));
const keyFile = join(dir, 'key.pem');
generateSigningKeyFile(keyFile);
const key = await loadSigningKey(keyFile, 'GATEWAY_AUTH_PRIVATE_KEY_FILE');
const cost = { N: 1_024, r: 8, p: 1 };
const secret = 'unit-test-secret-0123456789-abcdefgh';

async function gateway(perAddress = 20) {
  const accounts = new Map<string, AccountRecord>();
  const revoked = new Map<string, unknown>();
  const sent: string[] = [];
  const issuer = new TokenIssuer({ key, issuer: 'kstreams-gateway', accessLifetimeS: 300, refreshLifetimeS: 3_600, isRevoked: async (ids) => ids.some((id) => revoked.has(id)) });
  const signIn: SignIn = {
    key, issuer, scryptCost: cost, decoyHash: await decoyHash(cost),
    perAccount: new AttemptLimiter({ maxFailures: 3, windowMs: 60_000 }),
    perAddress: new AttemptLimiter({ maxFailures: perAddress, windowMs: 60_000 }),
    state: {
      account: async (email) => accounts.get(email),
      register: async (account): Promise<Registration> => {
        const existing = accounts.get(account.email);
        if (existing !== undefined) return { created: false, account: existing };
        accounts.set(account.email, account);
        return { created: true, account };
      },
      revoke: async (id, record) => void revoked.set(id, record),
    },
    close: async () => undefined,
  };
  const commands: CommandSink = { publish: async (kind, id, command) => void sent.push(`${kind} ${id} ${command.type}`), close: async () => undefined };
  const queries = {} as QueryReader;
  const app = buildHttpApi({
    commands, queries, idempotency: new IdempotencyCache<Accepted>({ maxEntries: 10, ttlMs: 60_000 }), metrics: new GatewayMetrics({ defaultMetrics: false }),
    sseHeartbeatMs: 1_000, sseAwaitCreationMs: 0, now: () => 42,
  }, { verify: withIssuedTokens(issuer, createTokenVerifier({ secret, maxLifetimeS: 3_600 })), limiter: new RateLimiter({ burst: 1_000, perSecond: 1 }), bodyLimit: 65_536, logger: false, signIn });
  const call = async (method: 'GET' | 'POST', url: string, body?: object, authorization?: string) => {
    const response = await app.inject({ method, url, headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(authorization === undefined ? {} : { authorization }) }, ...(body === undefined ? {} : { payload: JSON.stringify(body) }) });
    return { status: response.statusCode, headers: response.headers, body: response.body === '' ? {} : (JSON.parse(response.body) as Record<string, unknown>) };
  };
  return { app, call, accounts, revoked, sent };
}

test('register validates its input and keeps a scrypt hash, never the password', async () => {
  const { call, accounts, sent } = await gateway();
  const bad: Array<[object, RegExp]> = [
    [{ email: 'ann@example.com' }, /required property 'password'/],
    [{ email: 'ann', password: 'long-enough-password' }, /email must match pattern/],
    [{ email: 'ann@example.com', password: 'short' }, /fewer than 12 characters/],
    [{ email: 'ann@example.com', password: 'x'.repeat(129) }, /more than 128 characters/],
    [{ email: 'ann@example.com', password: 'long-enough-password', role: 'admin' }, /must NOT have additional properties/],
  ];
  for (const [body, message] of bad) {
    const response = await call('POST', '/auth/register', body);
    assert.equal(response.status, 400, JSON.stringify(body));
    assert.match(String(response.body['message']), message);
  }
  assert.equal(accounts.size, 0);
  const created = await call('POST', '/auth/register', { email: 'Ann@Example.COM', password: 'long-enough-password' });
  assert.equal(created.status, 201);
  const account = accounts.get('ann@example.com');
  assert.ok(account !== undefined, 'kept under the lower-case email');
  assert.equal(account.name, 'ann');
  assert.match(account.passwordHash, /^scrypt\$1024\$/);
  assert.doesNotMatch(JSON.stringify(account), /long-enough-password/);
  assert.deepEqual(sent, [`customer ${account.customerId} CreateCustomer`]);
  const again = await call('POST', '/auth/register', { email: 'ann@example.com', password: 'long-enough-password' });
  assert.equal(again.status, 409);
  assert.equal(sent.length, 1, 'no second customer');
});

test('a wrong email and a wrong password answer the same 401; the token signs in as the account\'s customer', async () => {
  const { call, accounts } = await gateway();
  await call('POST', '/auth/register', { email: 'ann@example.com', password: 'long-enough-password' });
  const noAccount = await call('POST', '/auth/token', { email: 'nobody@example.com', password: 'long-enough-password' });
  const wrongPassword = await call('POST', '/auth/token', { email: 'ann@example.com', password: 'not the password' });
  assert.deepEqual([noAccount.status, noAccount.body['message']], [401, 'wrong email or password']);
  assert.deepEqual([wrongPassword.status, wrongPassword.body['message']], [401, 'wrong email or password']);
  const ok = await call('POST', '/auth/token', { email: 'ANN@example.com', password: 'long-enough-password' });
  assert.equal(ok.status, 200);
  assert.equal(ok.body['customer_id'], accounts.get('ann@example.com')?.customerId);
  assert.equal(ok.body['expires_in'], 300);
});

test('the per-address limit answers 429 with Retry-After for sign-ins, refreshes and registrations alike', async () => {
  const { call } = await gateway(3);
  for (const email of ['a@example.com', 'b@example.com', 'c@example.com']) assert.equal((await call('POST', '/auth/token', { email, password: 'whatever it is' })).status, 401);
  for (const [url, body] of [['/auth/token', { email: 'd@example.com', password: 'whatever it is' }], ['/auth/refresh', { refresh_token: 'x' }], ['/auth/register', { email: 'e@example.com', password: 'long-enough-password' }]] as const) {
    const limited = await call('POST', url, body);
    assert.equal(limited.status, 429, url);
    assert.equal(limited.body['code'], 'KST_GATEWAY_SIGN_IN_LIMITED');
    assert.ok(Number(limited.headers['retry-after']) > 0);
  }
});

test('sign-out revokes the session: its access and refresh tokens are refused', async () => {
  const { call, revoked } = await gateway();
  await call('POST', '/auth/register', { email: 'ann@example.com', password: 'long-enough-password' });
  const tokens = (await call('POST', '/auth/token', { email: 'ann@example.com', password: 'long-enough-password' })).body;
  const bearer = `Bearer ${String(tokens['access_token'])}`;
  assert.equal((await call('POST', '/auth/logout')).status, 401, 'sign-out needs the token');
  assert.equal((await call('POST', '/auth/logout', undefined, bearer)).status, 204);
  assert.equal(revoked.size, 1);
  assert.match([...revoked.keys()][0] as string, /^sid:/);
  assert.equal((await call('POST', '/auth/logout', undefined, bearer)).status, 401);
  assert.equal((await call('POST', '/auth/refresh', { refresh_token: tokens['refresh_token'] as string })).status, 401);
});

test('the OpenAPI document has the sign-in operations; only sign-out needs the bearer token', async () => {
  const { call } = await gateway();
  const document = (await call('GET', '/openapi.json')).body as { paths: Record<string, Record<string, { operationId: string; security: unknown[]; requestBody?: unknown }>> };
  const operations = Object.fromEntries(['/auth/register', '/auth/token', '/auth/refresh', '/auth/logout'].map((path) => [path, document.paths[path]?.['post']]));
  assert.deepEqual(Object.values(operations).map((operation) => operation?.operationId), ['register', 'signIn', 'refreshToken', 'signOut']);
  assert.deepEqual(operations['/auth/token']?.security, []);
  assert.deepEqual(operations['/auth/logout']?.security, [{ bearerAuth: [] }]);
  assert.ok(operations['/auth/register']?.requestBody !== undefined);
  assert.equal(document.paths['/.well-known/jwks.json']?.['get']?.operationId, 'jwks');
  const jwks = await call('GET', '/.well-known/jwks.json');
  assert.deepEqual(jwks.body, key.jwks);
});
