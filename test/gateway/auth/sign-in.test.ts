import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSignIn } from '../../../gateway/auth/sign-in.ts';
import { generateSigningKeyFile } from '../../../gateway/auth/signing-key.ts';
import { gatewayConfig } from '../../../gateway/config.ts';

const envName = (key: Parameters<typeof gatewayConfig.envName>[0]): string => gatewayConfig.envName(key, 'GATEWAY');

test('sign-in is off without a key file; its settings are checked at start, naming the variable, before anything connects', async (t) => {
  assert.equal(await startSignIn(gatewayConfig.parse({}), envName), undefined);
  const dir = mkdtempSync(join(tmpdir(), 'kst-sign-in-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const keyFile = join(dir, 'key.pem');
  generateSigningKeyFile(keyFile);
  // Nothing listens on port 1: had any of these reached Kafka, they would fail differently.
  const base = { 'auth.private.key.file': keyFile, 'kafka.bootstrap.servers': '127.0.0.1:1' };
  await assert.rejects(startSignIn(gatewayConfig.parse({ ...base, 'auth.scrypt.cost': 3_000 }), envName), /KST_CONFIG_INVALID: GATEWAY_AUTH_SCRYPT_COST must be a power of two/);
  await assert.rejects(startSignIn(gatewayConfig.parse({ ...base, 'auth.access.token.lifetime.s': 900, 'jwt.max.lifetime.s': 600 }), envName), /GATEWAY_AUTH_ACCESS_TOKEN_LIFETIME_S \(900\) must be at most GATEWAY_JWT_MAX_LIFETIME_S \(600\)/);
  await assert.rejects(startSignIn(gatewayConfig.parse({ ...base, 'auth.private.key.file': join(dir, 'missing.pem') }), envName), /GATEWAY_AUTH_PRIVATE_KEY_FILE names .*missing\.pem, which cannot be read/);
  assert.throws(() => gatewayConfig.parse({ 'auth.access.token.lifetime.s': 10 }), /auth\.access\.token\.lifetime\.s/);
});
