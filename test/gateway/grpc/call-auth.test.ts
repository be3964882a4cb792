import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { createTokenVerifier, signToken } from '../../../gateway/auth/jwt.ts';
import { callAuthenticator, requireCustomerKey, requireOperator, UNAUTHENTICATED_CALLER } from '../../../gateway/grpc/call-auth.ts';
import { isStatusError, toServiceError } from '../../../gateway/grpc/status.ts';
import { KstError } from '../../../common/errors.ts';

const metadata = (authorization?: string): grpc.Metadata => {
  const m = new grpc.Metadata();
  if (authorization !== undefined) m.set('authorization', authorization);
  return m;
};
const withStatus = (code: grpc.status) => (e: unknown): boolean => isStatusError(e) && e.code === code;

test('query calls: a platform token passes with its identity; none, a bad or an expired one is UNAUTHENTICATED', async () => {
  const secret = 'grpc-jwt-secret-0123456789-abcdefgh';
  const check = callAuthenticator({ verify: createTokenVerifier({ secret, maxLifetimeS: 3_600 }) });
  assert.deepEqual(await check(metadata(`Bearer ${await signToken({ sub: 'ops', role: 'admin' }, secret)}`)), { subject: 'ops', role: 'admin' });
  assert.deepEqual(await check(metadata(`Bearer ${await signToken({ sub: 'gateway', role: 'service' }, secret)}`)), { subject: 'gateway', role: 'service' });
  await assert.rejects(check(metadata()), withStatus(grpc.status.UNAUTHENTICATED));
  await assert.rejects(check(metadata('Bearer x.y.z')), withStatus(grpc.status.UNAUTHENTICATED));
  await assert.rejects(check(metadata('shared')), withStatus(grpc.status.UNAUTHENTICATED));
  const expired = await signToken({ sub: 'c-1', role: 'customer', issuedAtS: Math.floor(Date.now() / 1000) - 3_000, lifetimeS: 600 }, secret);
  await assert.rejects(check(metadata(`Bearer ${expired}`)), (e: unknown) => withStatus(grpc.status.UNAUTHENTICATED)(e) && /expired/.test((e as Error).message));
  assert.deepEqual(await callAuthenticator({})(metadata()), UNAUTHENTICATED_CALLER, 'no key material: every call, with full rights');
});

test('a customer reaches its own keys only and no store by name; admins and the service identity reach all', () => {
  const alice = { subject: 'alice', role: 'customer' } as const;
  assert.doesNotThrow(() => requireCustomerKey(alice, 'alice', 'customer alice'));
  assert.throws(() => requireCustomerKey(alice, 'bob', 'customer bob'), withStatus(grpc.status.PERMISSION_DENIED));
  assert.throws(() => requireOperator(alice, 'range over stores'), withStatus(grpc.status.PERMISSION_DENIED));
  for (const operator of [{ subject: 'ops', role: 'admin' }, { subject: 'gateway', role: 'service' }] as const) {
    assert.doesNotThrow(() => requireCustomerKey(operator, 'bob', 'customer bob'));
    assert.doesNotThrow(() => requireOperator(operator, 'range over stores'));
  }
});

test('engine errors map onto gRPC statuses by their recovery', () => {
  assert.equal(toServiceError(new KstError('KST_STREAMS_STORE_UNAVAILABLE', 'rebalancing', {})).code, grpc.status.UNAVAILABLE);
  assert.equal(toServiceError(new KstError('KST_STREAMS_NOT_RUNNING', 'closing', {})).code, grpc.status.UNAVAILABLE);
  assert.equal(toServiceError(new KstError('KST_STREAMS_UNKNOWN_STORE', 'no store x', {})).code, grpc.status.INVALID_ARGUMENT);
  assert.equal(toServiceError(new KstError('KST_KAFKA_CONNECTION', 'down', {})).code, grpc.status.UNAVAILABLE, 'retriable codes are UNAVAILABLE');
  assert.equal(toServiceError(new KstError('KST_GATEWAY_STREAM_LIMIT', 'too many', {})).code, grpc.status.RESOURCE_EXHAUSTED);
  assert.equal(toServiceError(new KstError('KST_GATEWAY_AUTH_UNAVAILABLE', 'jwks down', {})).code, grpc.status.UNAVAILABLE);
  assert.equal(toServiceError(new Error('bug')).code, grpc.status.INTERNAL);
});
