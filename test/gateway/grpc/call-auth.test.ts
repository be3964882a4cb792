import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { signJwt } from '../../../gateway/auth/jwt.ts';
import { callAuthenticator } from '../../../gateway/grpc/call-auth.ts';
import { isStatusError, toServiceError } from '../../../gateway/grpc/status.ts';
import { KstError } from '../../../common/errors.ts';

const metadata = (authorization?: string): grpc.Metadata => {
  const m = new grpc.Metadata();
  if (authorization !== undefined) m.set('authorization', authorization);
  return m;
};
const unauthenticated = (e: unknown): boolean => isStatusError(e) && e.code === grpc.status.UNAUTHENTICATED;

test('query calls: the shared token or a platform JWT pass, anything else is UNAUTHENTICATED; no auth configured accepts all', () => {
  const secret = 'grpc-jwt-secret-0123456789';
  const check = callAuthenticator({ token: 'shared', jwtSecret: secret });
  assert.doesNotThrow(() => check(metadata('Bearer shared')));
  assert.doesNotThrow(() => check(metadata(`Bearer ${signJwt({ sub: 'ops', role: 'admin', exp: Math.floor(Date.now() / 1000) + 60 }, secret)}`)));
  assert.throws(() => check(metadata()), unauthenticated);
  assert.throws(() => check(metadata('Bearer other')), unauthenticated);
  assert.throws(() => check(metadata('shared')), unauthenticated);
  assert.throws(() => callAuthenticator({ token: 'shared' })(metadata('Bearer x.y.z')), unauthenticated);
  assert.doesNotThrow(() => callAuthenticator({})(metadata()));
});

test('engine errors map onto gRPC statuses by their recovery', () => {
  assert.equal(toServiceError(new KstError('KST_STREAMS_STORE_UNAVAILABLE', 'rebalancing', {})).code, grpc.status.UNAVAILABLE);
  assert.equal(toServiceError(new KstError('KST_STREAMS_NOT_RUNNING', 'closing', {})).code, grpc.status.UNAVAILABLE);
  assert.equal(toServiceError(new KstError('KST_STREAMS_UNKNOWN_STORE', 'no store x', {})).code, grpc.status.INVALID_ARGUMENT);
  assert.equal(toServiceError(new KstError('KST_KAFKA_CONNECTION', 'down', {})).code, grpc.status.UNAVAILABLE, 'retriable codes are UNAVAILABLE');
  assert.equal(toServiceError(new Error('bug')).code, grpc.status.INTERNAL);
});
