import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { exportJWK, generateKeyPair } from 'jose';
import { isKstError } from '../../../common/errors.ts';
import { bearerToken, createTokenVerifier, signToken, type VerifierOptions } from '../../../gateway/auth/jwt.ts';

const secret = 'a-test-secret-of-at-least-32-bytes!';
const nowMs = 1_767_225_600_000;
const nowS = nowMs / 1000;
const base: VerifierOptions = { secret, maxLifetimeS: 3_600, now: () => nowMs };
const verifier = (options: Partial<VerifierOptions> = {}) => createTokenVerifier({ ...base, ...options });

async function rejects(token: string, reason: RegExp, options: Partial<VerifierOptions> = {}): Promise<void> {
  await assert.rejects(verifier(options)(token), (e: unknown) => isKstError(e, 'KST_GATEWAY_AUTH_FAILED') && reason.test(e.message), `refused for ${reason}`);
}

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
const handSigned = (header: unknown, payload: unknown, key = secret): string => {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${createHmac('sha256', key).update(input).digest('base64url')}`;
};

test('an HS256 token verifies to its subject and role, with issuer and audience when configured', async () => {
  assert.deepEqual(await verifier()(await signToken({ sub: 'c-1', role: 'customer', issuedAtS: nowS }, secret)), { subject: 'c-1', role: 'customer' });
  const withClaims = await signToken({ sub: 'ops', role: 'admin', issuedAtS: nowS, iss: 'kst', aud: ['gw', 'x'] }, secret);
  assert.deepEqual(await verifier({ issuer: 'kst', audience: 'gw' })(withClaims), { subject: 'ops', role: 'admin' });
  await rejects(await signToken({ sub: 'c-1', role: 'customer', issuedAtS: nowS, iss: 'other' }, secret), /claim iss/, { issuer: 'kst' });
  await rejects(await signToken({ sub: 'c-1', role: 'customer', issuedAtS: nowS, aud: 'other' }, secret), /claim aud/, { audience: 'gw' });
});

test('bad signatures, the none algorithm, HS256 without a secret and malformed tokens are refused', async () => {
  await rejects(await signToken({ sub: 'c-1', role: 'customer', issuedAtS: nowS }, 'another-secret-entirely-of-32-bytes'), /bad signature/);
  await rejects(`${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'c-1', role: 'admin', exp: nowS + 60 })}.`, /algorithm|Unsupported|not accepted/i);
  await rejects('not-a-token', /invalid bearer token/);
  const { publicKey } = await generateKeyPair('ES256');
  const jwks = { keys: [{ ...(await exportJWK(publicKey)), alg: 'ES256', kid: 'k1' }] };
  // With only a key set, an HS256 token (say, signed with the public key's text) is not even tried.
  await rejects(await signToken({ sub: 'c-1', role: 'admin', issuedAtS: nowS }, JSON.stringify(jwks.keys[0])), /algorithm is not accepted/, { secret: '', jwks });
});

test('exp is required, expiry and nbf are honoured with the clock skew', async () => {
  await rejects(await signToken({ sub: 'c-1', role: 'customer', issuedAtS: nowS, lifetimeS: null }, secret), /claim exp: missing/);
  await rejects(await signToken({ sub: 'c-1', role: 'customer', issuedAtS: nowS - 120, lifetimeS: 60 }, secret), /expired/);
  await assert.doesNotReject(verifier()(await signToken({ sub: 'c-1', role: 'customer', issuedAtS: nowS - 70, lifetimeS: 60 }, secret)), 'within the 30 s skew');
  await rejects(await signToken({ sub: 'c-1', role: 'customer', issuedAtS: nowS, nbf: nowS + 120 }, secret), /nbf/);
});

test('a token living longer than the maximum lifetime is refused, with or without iat', async () => {
  await rejects(await signToken({ sub: 'c-1', role: 'customer', issuedAtS: nowS, lifetimeS: 7_200 }, secret), /lifetime of 7200 s exceeds the maximum of 3600 s/);
  await assert.doesNotReject(verifier()(await signToken({ sub: 'c-1', role: 'customer', issuedAtS: nowS, lifetimeS: 3_600 }, secret)));
  // No iat: the lifetime counts from now, so a far exp cannot hide behind a missing iat.
  await rejects(handSigned({ alg: 'HS256', typ: 'JWT' }, { sub: 'c-1', role: 'customer', exp: nowS + 86_400 }), /lifetime of 86400 s/);
  await rejects(await signToken({ sub: 'c-1', role: 'customer', issuedAtS: nowS, lifetimeS: 600 }, secret), /exceeds the maximum of 300 s/, { maxLifetimeS: 300 });
});

test('sub and a known role are required; the accepted roles can be narrowed', async () => {
  await rejects(handSigned({ alg: 'HS256' }, { role: 'customer', exp: nowS + 60, iat: nowS }), /no sub claim/);
  await rejects(handSigned({ alg: 'HS256' }, { sub: 'c-1', role: 'root', exp: nowS + 60, iat: nowS }), /role must be one of customer, admin, service/);
  await rejects(await signToken({ sub: 'gw', role: 'service', issuedAtS: nowS }, secret), /role must be one of customer, admin$/, { roles: ['customer', 'admin'] });
});

test('RS256 and EdDSA tokens verify against a JWKS; a key not in the set, or a tampered token, does not', async () => {
  const rsa = await generateKeyPair('RS256');
  const ed = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  const stranger = await generateKeyPair('RS256');
  const jwks = { keys: [{ ...(await exportJWK(rsa.publicKey)), alg: 'RS256', kid: 'rsa-1', use: 'sig' }, { ...(await exportJWK(ed.publicKey)), alg: 'EdDSA', kid: 'ed-1', use: 'sig' }] };
  const verify = verifier({ secret: '', jwks, issuer: 'https://idp.example/' });
  const rsaToken = await signToken({ sub: 'c-9', role: 'customer', issuedAtS: nowS, iss: 'https://idp.example/' }, { privateKey: rsa.privateKey, alg: 'RS256', kid: 'rsa-1' });
  assert.deepEqual(await verify(rsaToken), { subject: 'c-9', role: 'customer' });
  const edToken = await signToken({ sub: 'ops', role: 'admin', issuedAtS: nowS, iss: 'https://idp.example/' }, { privateKey: ed.privateKey, alg: 'EdDSA', kid: 'ed-1' });
  assert.deepEqual(await verify(edToken), { subject: 'ops', role: 'admin' });
  const strangers = await signToken({ sub: 'ops', role: 'admin', issuedAtS: nowS, iss: 'https://idp.example/' }, { privateKey: stranger.privateKey, alg: 'RS256', kid: 'rsa-1' });
  await assert.rejects(verify(strangers), (e: unknown) => isKstError(e, 'KST_GATEWAY_AUTH_FAILED') && /bad signature/.test(e.message));
  const [h, p, s] = rsaToken.split('.') as [string, string, string];
  const elevated = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p, 'base64url').toString()), role: 'admin' })).toString('base64url');
  await assert.rejects(verify(`${h}.${elevated}.${s}`), (e: unknown) => isKstError(e, 'KST_GATEWAY_AUTH_FAILED'));
});

test('a JWKS URL that cannot be fetched is KST_GATEWAY_AUTH_UNAVAILABLE (retriable), not a bad token', async () => {
  const rsa = await generateKeyPair('RS256');
  const token = await signToken({ sub: 'c-1', role: 'customer', issuedAtS: nowS }, { privateKey: rsa.privateKey, alg: 'RS256', kid: 'k' });
  // Port 9 on loopback: nothing listens (discard), the fetch is refused at once.
  const verify = createTokenVerifier({ jwksUrl: 'http://127.0.0.1:9/jwks.json', maxLifetimeS: 3_600, now: () => nowMs });
  await assert.rejects(verify(token), (e: unknown) => isKstError(e, 'KST_GATEWAY_AUTH_UNAVAILABLE') && e.canRetry);
});

test('bearerToken reads the Authorization header', () => {
  assert.equal(bearerToken('Bearer abc.def.ghi'), 'abc.def.ghi');
  assert.equal(bearerToken('bearer   abc'), 'abc');
  assert.equal(bearerToken('Basic dXNlcg=='), undefined);
  assert.equal(bearerToken(undefined), undefined);
});

test('a customer token whose sub is no customer id is refused', async () => {
  const secret = 'a-secret-of-at-least-32-bytes-0123456789';
  const verify = createTokenVerifier({ secret, maxLifetimeS: 3600 });
  await assert.rejects(verify(await signToken({ sub: 'Alice Smith/../x', role: 'customer' }, secret)), /customer id/);
  assert.deepEqual(await verify(await signToken({ sub: 'alice-1', role: 'customer' }, secret)), { subject: 'alice-1', role: 'customer' });
  // Other roles name people or systems, not customer ids.
  assert.equal((await verify(await signToken({ sub: 'ops@example.com (on call)', role: 'admin' }, secret))).role, 'admin');
});
