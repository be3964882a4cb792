import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { createTokenVerifier, signToken } from '../../../gateway/auth/jwt.ts';
import { generateSigningKeyFile, loadSigningKey, type SigningKey } from '../../../gateway/auth/signing-key.ts';
import { TokenIssuer, revocationKeys, withIssuedTokens } from '../../../gateway/auth/token-issuer.ts';

const dir = mkdtempSync(join(tmpdir(), 'kst-token-issuer-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));
async function key(name: string): Promise<SigningKey> {
  const file = join(dir, `${name}.pem`);
  generateSigningKeyFile(file);
  return loadSigningKey(file, 'GATEWAY_AUTH_PRIVATE_KEY_FILE');
}

function issuerWith(signingKey: SigningKey, now = () => Date.now()) {
  const revoked = new Set<string>();
  const issuer = new TokenIssuer({ key: signingKey, issuer: 'kstreams-gateway', accessLifetimeS: 300, refreshLifetimeS: 3_600, isRevoked: async (ids) => ids.some((id) => revoked.has(id)), now });
  return { issuer, revoked };
}

test('issued access tokens verify with the published JWKS and with the issuer, as the customer', async () => {
  const signingKey = await key('a');
  const { issuer } = issuerWith(signingKey);
  const tokens = await issuer.issue('c-1', 'session-1');
  assert.equal(tokens.expiresIn, 300);
  const { payload, protectedHeader } = await jwtVerify(tokens.accessToken, createLocalJWKSet(signingKey.jwks), { issuer: 'kstreams-gateway' });
  assert.deepEqual({ alg: protectedHeader.alg, kid: protectedHeader.kid, typ: protectedHeader.typ }, { alg: 'EdDSA', kid: signingKey.kid, typ: 'at+jwt' });
  assert.deepEqual({ sub: payload.sub, role: payload['role'], sid: payload['sid'], lifetime: (payload.exp as number) - (payload.iat as number) }, { sub: 'c-1', role: 'customer', sid: 'session-1', lifetime: 300 });
  const principal = await issuer.verifyAccess(tokens.accessToken);
  assert.deepEqual({ subject: principal.subject, role: principal.role, sessionId: principal.sessionId }, { subject: 'c-1', role: 'customer', sessionId: 'session-1' });
  assert.equal(principal.tokenId, payload.jti);
  // The configured verifier of a JWKS (GATEWAY_JWKS_FILE) takes them too.
  assert.equal((await createTokenVerifier({ jwks: signingKey.jwks, maxLifetimeS: 3_600 })(tokens.accessToken)).subject, 'c-1');
});

test('refresh and access tokens are not interchangeable', async () => {
  const { issuer } = issuerWith(await key('b'));
  const tokens = await issuer.issue('c-2');
  await assert.rejects(issuer.verifyAccess(tokens.refreshToken), /KST_GATEWAY_AUTH_FAILED/);
  await assert.rejects(issuer.verifyRefresh(tokens.accessToken), /KST_GATEWAY_AUTH_FAILED/);
  const grant = await issuer.verifyRefresh(tokens.refreshToken);
  assert.deepEqual({ subject: grant.subject, sessionId: grant.sessionId }, { subject: 'c-2', sessionId: tokens.sessionId });
  // The general verifier (no role on a refresh token) refuses it as well.
  await assert.rejects(createTokenVerifier({ jwks: (await key('b')).jwks, maxLifetimeS: 604_800 })(tokens.refreshToken), /role must be one of/);
});

test('a revoked session or token is refused, access and refresh alike', async () => {
  const { issuer, revoked } = issuerWith(await key('c'));
  const tokens = await issuer.issue('c-3', 's-3');
  const other = await issuer.issue('c-3', 's-4');
  revoked.add(revocationKeys('s-3')[0] as string);
  await assert.rejects(issuer.verifyAccess(tokens.accessToken), /revoked/);
  await assert.rejects(issuer.verifyRefresh(tokens.refreshToken), /revoked/);
  assert.equal((await issuer.verifyAccess(other.accessToken)).sessionId, 's-4', 'another session of the same customer still works');
  const principal = await issuer.verifyAccess(other.accessToken);
  revoked.add(`jti:${principal.tokenId}`);
  await assert.rejects(issuer.verifyAccess(other.accessToken), /revoked/);
});

test('expired, foreign-key, wrong-issuer and tampered tokens are refused', async () => {
  let now = Date.now();
  const signingKey = await key('d');
  const { issuer } = issuerWith(signingKey, () => now);
  const tokens = await issuer.issue('c-4');
  now += 301_000 + 30_000;
  await assert.rejects(issuer.verifyAccess(tokens.accessToken), /expired/);
  now = Date.now();
  const foreign = issuerWith(await key('e')).issuer;
  await assert.rejects(issuer.verifyAccess((await foreign.issue('c-4')).accessToken), /KST_GATEWAY_AUTH_FAILED/);
  const otherIssuer = new TokenIssuer({ key: signingKey, issuer: 'someone-else', accessLifetimeS: 300, refreshLifetimeS: 300, isRevoked: async () => false });
  await assert.rejects(issuer.verifyAccess((await otherIssuer.issue('c-4')).accessToken), /claim iss/);
  const [h, p, s] = tokens.accessToken.split('.');
  const edited = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p as string, 'base64url').toString()), role: 'admin' })).toString('base64url');
  await assert.rejects(issuer.verifyAccess(`${h}.${edited}.${s}`), /bad signature/);
});

test('withIssuedTokens: the gateway\'s kid goes to the issuer, others to the configured verifier', async () => {
  const { issuer, revoked } = issuerWith(await key('f'));
  const secret = 'unit-secret-0123456789-0123456789-ab';
  const verify = withIssuedTokens(issuer, createTokenVerifier({ secret, maxLifetimeS: 3_600 }));
  const admin = await signToken({ sub: 'ops', role: 'admin' }, secret);
  assert.deepEqual(await verify(admin), { subject: 'ops', role: 'admin' });
  const tokens = await issuer.issue('c-5', 's-5');
  assert.equal((await verify(tokens.accessToken)).sessionId, 's-5');
  revoked.add('sid:s-5');
  await assert.rejects(verify(tokens.accessToken), /revoked/);
  await assert.rejects(verify('not-a-jwt'), /not a JWT/);
  // Without other key material, only the gateway's own tokens pass.
  const own = withIssuedTokens(issuer, undefined);
  await assert.rejects(own(admin), /no other key is configured/);
  // An RSA key of a foreign signer with the same kid cannot pass: the signature is checked with the gateway's key.
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const forged = await signToken({ sub: 'c-5', role: 'customer' }, { privateKey: rsa, alg: 'RS256', kid: issuer.kid });
  await assert.rejects(verify(forged), /KST_GATEWAY_AUTH_FAILED/);
});
