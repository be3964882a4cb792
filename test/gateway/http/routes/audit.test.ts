import { test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { KstError } from '../../../../common/errors.ts';
import type { AuditReader } from '../../../../gateway/audit/audit-log.ts';
import { createTokenVerifier, signToken } from '../../../../gateway/auth/jwt.ts';
import { accessHook } from '../../../../gateway/http/access.ts';
import { errorHandler } from '../../../../gateway/http/http-errors.ts';
import { RateLimiter } from '../../../../gateway/http/rate-limiter.ts';
import { registerAuditRoutes } from '../../../../gateway/http/routes/audit.ts';
import { SHARED_RESPONSE_SCHEMAS } from '../../../../gateway/http/response-schemas.ts';

const secret = 'audit-route-secret-0123456789-abcdefgh';
const admin = `Bearer ${await signToken({ sub: 'ops', role: 'admin' }, secret)}`;
const customer = `Bearer ${await signToken({ sub: 'alice', role: 'customer' }, secret)}`;

function app(audit: AuditReader | undefined) {
  const api = Fastify({ logger: false });
  api.setErrorHandler(errorHandler);
  for (const schema of SHARED_RESPONSE_SCHEMAS) api.addSchema(schema);
  api.addHook('onRequest', accessHook({ verify: createTokenVerifier({ secret, maxLifetimeS: 3_600 }), limiter: new RateLimiter({ burst: 100, perSecond: 1 }), publicPaths: new Set() }));
  registerAuditRoutes(api, audit);
  return (url: string, authorization: string) => api.inject({ method: 'GET', url, headers: { authorization } });
}

test('GET /orders/:id/audit: an admin reads the order\'s entries, a customer is refused, an id is validated', async () => {
  const asked: string[] = [];
  const entry = { topic: 'orders.commands', partition: 0, offset: 7, timestampMs: 1_700_000_000_000, record: { type: 'CreateOrder', orderId: 'o-1' } };
  const call = app({ byOrder: async (orderId) => { asked.push(orderId); return [entry]; } });
  const ok = await call('/orders/o-1/audit', admin);
  assert.equal(ok.statusCode, 200);
  assert.deepEqual(ok.json(), { orderId: 'o-1', entries: [entry] });
  const refused = await call('/orders/o-1/audit', customer);
  assert.equal(refused.statusCode, 403);
  assert.match(refused.json().message, /only an admin may read the audit log/);
  assert.equal((await call('/orders/bad%20id/audit', admin)).statusCode, 400);
  assert.deepEqual(asked, ['o-1'], 'the log is read for the admin only');
});

test('without an audit log, or when it cannot be read, 503 with Retry-After', async () => {
  const none = await app(undefined)('/orders/o-1/audit', admin);
  assert.equal(none.statusCode, 503);
  assert.equal(none.json().code, 'KST_GATEWAY_AUDIT_UNAVAILABLE');
  assert.ok(Number(none.headers['retry-after']) > 0);
  const down = await app({ byOrder: async () => { throw new KstError('KST_GATEWAY_AUDIT_UNAVAILABLE', 'the audit log could not be read: connection refused', { retryAfterMs: 2_000 }); } })('/orders/o-1/audit', admin);
  assert.equal(down.statusCode, 503);
  assert.equal(down.headers['retry-after'], '2');
});
