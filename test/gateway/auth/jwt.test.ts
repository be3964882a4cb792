import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { isKstError } from '../../../common/errors.ts';
import { bearerToken, signJwt, verifyJwt } from '../../../gateway/auth/jwt.ts';

const secret = 'a-test-secret-of-some-length';
const now = 1_767_225_600_000;
const exp = now / 1000 + 3600;
const rejects = (token: string, reason: RegExp, options: Partial<Parameters<typeof verifyJwt>[1]> = {}) =>
  assert.throws(() => verifyJwt(token, { secret, nowMs: now, ...options }), (e: unknown) => isKstError(e, 'KST_GATEWAY_AUTH_FAILED') && reason.test(e.message));

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
const signed = (header: unknown, payload: unknown, key = secret): string => {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${createHmac('sha256', key).update(input).digest('base64url')}`;
};

test('a signed token verifies to its subject and role', () => {
  assert.deepEqual(verifyJwt(signJwt({ sub: 'c-1', role: 'customer', exp }, secret), { secret, nowMs: now }), { subject: 'c-1', role: 'customer' });
  assert.deepEqual(verifyJwt(signJwt({ sub: 'ops', role: 'admin', exp, iss: 'kst', aud: ['gw', 'x'] }, secret), { secret, nowMs: now, issuer: 'kst', audience: 'gw' }), { subject: 'ops', role: 'admin' });
});

test('bad signatures, other algorithms and malformed tokens are refused', () => {
  rejects(signJwt({ sub: 'c-1', role: 'customer', exp }, 'another-secret-entirely'), /bad signature/);
  rejects(signed({ alg: 'none', typ: 'JWT' }, { sub: 'c-1', role: 'admin', exp }), /algorithm "none"/);
  rejects(`${b64({ alg: 'none' })}.${b64({ sub: 'c-1', role: 'admin', exp })}.`, /three base64url parts/);
  rejects(signed({ alg: 'HS512' }, { sub: 'c-1', role: 'admin', exp }), /HS256 only/);
  rejects('not-a-token', /three base64url parts/);
  rejects('a.b.c', /not base64url JSON/);
  const token = signJwt({ sub: 'c-1', role: 'customer', exp }, secret);
  const [h, , s] = token.split('.');
  rejects(`${h}.${b64({ sub: 'c-1', role: 'admin', exp })}.${s}`, /bad signature/);
});

test('claims: exp required and checked with the skew, nbf, issuer, audience, sub and role', () => {
  rejects(signed({ alg: 'HS256' }, { sub: 'c-1', role: 'customer' }), /no exp/);
  rejects(signJwt({ sub: 'c-1', role: 'customer', exp: now / 1000 - 60 }, secret), /expired/);
  assert.doesNotThrow(() => verifyJwt(signJwt({ sub: 'c-1', role: 'customer', exp: now / 1000 - 10 }, secret), { secret, nowMs: now }), 'within the 30 s skew');
  rejects(signJwt({ sub: 'c-1', role: 'customer', exp, nbf: now / 1000 + 120 }, secret), /nbf/);
  rejects(signJwt({ sub: 'c-1', role: 'customer', exp, iss: 'other' }, secret), /issuer/, { issuer: 'kst' });
  rejects(signJwt({ sub: 'c-1', role: 'customer', exp, aud: 'other' }, secret), /audience/, { audience: 'gw' });
  rejects(signed({ alg: 'HS256' }, { sub: '', role: 'customer', exp }), /no sub/);
  rejects(signed({ alg: 'HS256' }, { sub: 'c-1', role: 'root', exp }), /role must be one of customer, admin/);
});

test('bearerToken reads the Authorization header', () => {
  assert.equal(bearerToken('Bearer abc.def.ghi'), 'abc.def.ghi');
  assert.equal(bearerToken('bearer  abc'), 'abc');
  assert.equal(bearerToken('Basic dXNlcg=='), undefined);
  assert.equal(bearerToken(undefined), undefined);
});
