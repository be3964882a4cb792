/**
 * Sign-in through two real gateway instances (in this process, each with its own HTTP
 * server and its own sign-in streams application) on the real Kafka and registry:
 * register on A, sign in on B, a second registration of the same email on B is 409 (one
 * CreateCustomer command on the topic), the access token verifies with the JWKS A
 * publishes, orders as its customer on A, refresh, sign out on A: A refuses the session's
 * tokens at once, B as soon as its revocation GlobalKTable has the record; failed attempts
 * lock the account (429 with Retry-After).
 */

import '../../../support/exit-after-tests.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import { signToken } from '../../../../gateway/auth/jwt.ts';
import { generateSigningKeyFile } from '../../../../gateway/auth/signing-key.ts';
import { gatewayConfig } from '../../../../gateway/config.ts';
import { startGateway, type Gateway } from '../../../../gateway/gateway.ts';
import { endpoints, loadStackConfig } from '../../../../scripts/stack/config.ts';
import { bootstrap, createTopics, readUntil, uniqueName } from '../../../processors/client/helpers.ts';

const secret = 'integration-secret-0123456789-abcdef';

async function call(gateway: Gateway, method: string, path: string, authorization?: string, body?: object) {
  const response = await fetch(`${gateway.url}${path}`, {
    method,
    headers: { ...(authorization === undefined ? {} : { authorization }), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: (text === '' ? {} : JSON.parse(text)) as Record<string, unknown> };
}

async function eventually(what: string, probe: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

test('sign-in on two gateway instances: register, token, JWKS, an order, refresh, sign-out refused on both, attempt limits', { timeout: 180_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kst-it-signin-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const keyFile = join(dir, 'signing-key.pem');
  assert.equal(generateSigningKeyFile(keyFile), true);
  const prefix = `${uniqueName('kst-it-signin')}.`;
  await createTopics(['orders.commands', 'inventory.commands', 'customers.commands'].map((name) => ({ name: `${prefix}${name}`, partitions: 2 })));
  const config = (name: string) => gatewayConfig.parse({
    'http.port': 0,
    'jwt.secret': secret,
    'topic.prefix': prefix,
    'kafka.bootstrap.servers': bootstrap(),
    'registry.url': endpoints(loadStackConfig()).registryUrl,
    'auth.private.key.file': keyFile,
    'auth.application.id': `${prefix}gateway-auth`,
    'auth.state.dir': join(dir, name),
    'auth.scrypt.cost': 1_024,
    'auth.max.failures.per.account': 3,
  });
  const a = await startGateway(config('a'), { logger: false });
  t.after(() => a.close());
  const b = await startGateway(config('b'), { logger: false });
  t.after(() => b.close());

  // Registration: validated, the server chooses the customer id, one account per email.
  assert.match(String((await call(a, 'POST', '/auth/register', undefined, { email: 'not-an-email', password: 'long-enough-password' })).body['message']), /email must match pattern/);
  assert.match(String((await call(a, 'POST', '/auth/register', undefined, { email: 'ann@example.com', password: 'short' })).body['message']), /password must NOT have fewer than 12 characters/);
  assert.equal((await call(a, 'POST', '/auth/register', undefined, { email: 'ann@example.com', password: 'long-enough-password', customerId: 'c-mine' })).status, 400, 'the customer id is the server\'s');
  const registered = await call(a, 'POST', '/auth/register', undefined, { email: 'Ann@Example.com', password: 'correct horse battery', name: 'Ann' });
  assert.equal(registered.status, 201, JSON.stringify(registered.body));
  const customerId = String(registered.body['customerId']);
  assert.match(customerId, /^c-[0-9a-f-]{36}$/);
  assert.equal(registered.headers.get('location'), `/customers/${customerId}`);
  // Sign-in on the other instance; the token verifies with the published keys.
  const wrong = await call(b, 'POST', '/auth/token', undefined, { email: 'ann@example.com', password: 'wrong password' });
  assert.equal(wrong.status, 401);
  const signedIn = await call(b, 'POST', '/auth/token', undefined, { email: 'ann@example.com', password: 'correct horse battery' });
  assert.equal(signedIn.status, 200, JSON.stringify(signedIn.body));
  assert.equal(signedIn.headers.get('cache-control'), 'no-store');
  assert.equal(signedIn.body['token_type'], 'Bearer');
  // B knows the account (it just signed in with it): a second registration there is refused before anything is produced.
  const again = await call(b, 'POST', '/auth/register', undefined, { email: 'ann@example.com', password: 'another password!' });
  assert.equal(again.status, 409);
  assert.equal(again.body['code'], 'KST_GATEWAY_ACCOUNT_EXISTS');
  const created = await readUntil(`${prefix}customers.commands`, (records) => records.length >= 1, { timeoutMs: 20_000, quietMs: 1_000 });
  assert.deepEqual(created.map((r) => r.key?.toString('utf8')), [customerId], 'one CreateCustomer, keyed by the new customer id');
  const access = String(signedIn.body['access_token']);
  const refresh = String(signedIn.body['refresh_token']);
  const jwks = (await call(a, 'GET', '/.well-known/jwks.json')).body as unknown as JSONWebKeySet;
  assert.equal(jwks.keys.length, 1);
  assert.equal(jwks.keys[0]?.d, undefined, 'no private part is published');
  const { payload, protectedHeader } = await jwtVerify(access, createLocalJWKSet(jwks), { issuer: 'kstreams-gateway' });
  assert.equal(protectedHeader.alg, 'EdDSA');
  assert.equal(payload.sub, customerId);
  assert.equal(payload['role'], 'customer');
  assert.ok((payload.exp as number) - (payload.iat as number) <= 300);

  // The token works as a customer's: an order for itself, nothing of an admin's.
  const order = await call(a, 'POST', '/orders', `Bearer ${access}`, { items: [{ productId: 'p-1', quantity: 1 }] });
  assert.equal(order.status, 202, JSON.stringify(order.body));
  assert.equal(order.body['customerId'], customerId);
  assert.equal((await call(a, 'POST', `/customers/${customerId}/deposits`, `Bearer ${access}`, { amountCents: 100 })).status, 403);
  assert.equal((await call(a, 'POST', '/orders', `Bearer ${refresh}`, { items: [{ productId: 'p-1', quantity: 1 }] })).status, 401, 'a refresh token is no access token');

  const refreshed = await call(a, 'POST', '/auth/refresh', undefined, { refresh_token: refresh });
  assert.equal(refreshed.status, 200);
  const access2 = String(refreshed.body['access_token']);
  assert.equal((await call(b, 'GET', `/customers/${customerId}/orders`, `Bearer ${access2}`)).status !== 401, true);

  // Sign-out on A: A refuses at once, B once its revocation table has the record; refresh too.
  assert.equal((await call(a, 'POST', '/auth/logout', `Bearer ${access}`)).status, 204);
  const refusedA = await call(a, 'POST', '/orders', `Bearer ${access}`, { items: [{ productId: 'p-1', quantity: 1 }] });
  assert.equal(refusedA.status, 401);
  assert.match(String(refusedA.body['message']), /revoked/);
  await eventually('gateway B to refuse the signed-out session', async () => (await call(b, 'POST', '/orders', `Bearer ${access2}`, { items: [{ productId: 'p-1', quantity: 1 }] })).status === 401);
  assert.equal((await call(b, 'POST', '/auth/refresh', undefined, { refresh_token: refresh })).status, 401);
  const admin = `Bearer ${await signToken({ sub: 'ops', role: 'admin' }, secret)}`;
  assert.equal((await call(b, 'POST', '/auth/logout', admin)).status, 400, 'a token the gateway did not issue has no session to sign out');

  // Attempt limit per account: 3 failures (one above), then 429 even with the right password.
  for (let i = 0; i < 2; i++) assert.equal((await call(a, 'POST', '/auth/token', undefined, { email: 'ann@example.com', password: `wrong ${i}` })).status, 401);
  // The failure on B counts on B only (limits are per instance): A has seen 2.
  assert.equal((await call(a, 'POST', '/auth/token', undefined, { email: 'ann@example.com', password: 'wrong 2' })).status, 401);
  const limited = await call(a, 'POST', '/auth/token', undefined, { email: 'ann@example.com', password: 'correct horse battery' });
  assert.equal(limited.status, 429);
  assert.equal(limited.body['code'], 'KST_GATEWAY_SIGN_IN_LIMITED');
  assert.ok(Number(limited.headers.get('retry-after')) > 0);
  assert.equal((await call(b, 'POST', '/auth/token', undefined, { email: 'ann@example.com', password: 'correct horse battery' })).status, 200, 'B has seen only one failure');
});
