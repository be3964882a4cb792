import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { isKstError } from '../../common/errors.ts';
import { signToken } from '../../gateway/auth/jwt.ts';
import { DEV_JWT_SECRET } from '../../gateway/auth/settings.ts';
import type { CommandSink } from '../../gateway/commands/command-publisher.ts';
import { gatewayConfig } from '../../gateway/config.ts';
import { startGateway } from '../../gateway/gateway.ts';
import type { QueryReader } from '../../gateway/http/context.ts';

const commands: CommandSink = { publish: async () => undefined, close: async () => undefined };
const unused = async (): Promise<never> => assert.fail('no query expected');
const queries: QueryReader = { getOrder: unused, listCustomerOrders: unused, getProduct: unused, getCustomer: unused, getCart: unused, watchOrder: unused };
const parts = { commands, queries, logger: false };
const naming = (variable: string, pattern: RegExp) => (e: unknown): boolean => isKstError(e, 'KST_CONFIG_INVALID') && e.message.includes(variable) && pattern.test(e.message);

test('the development secret on a non-loopback host refuses to start, naming GATEWAY_JWT_SECRET', async () => {
  for (const host of ['0.0.0.0', '::']) {
    const config = gatewayConfig.fromEnv({ GATEWAY_JWT_SECRET: DEV_JWT_SECRET, GATEWAY_HTTP_HOST: host, GATEWAY_HTTP_PORT: '0' }, 'GATEWAY');
    await assert.rejects(startGateway(config, parts), naming('GATEWAY_JWT_SECRET', /public development secret/), host);
  }
});

test('the gateway process exits 78 with the message, before connecting anywhere', () => {
  const main = fileURLToPath(new URL('../../gateway/main.ts', import.meta.url));
  const run = spawnSync(process.execPath, [main], {
    env: { ...process.env, GATEWAY_JWT_SECRET: DEV_JWT_SECRET, GATEWAY_HTTP_HOST: '0.0.0.0', GATEWAY_HTTP_PORT: '0', GATEWAY_KAFKA_BOOTSTRAP_SERVERS: '127.0.0.1:1' },
    encoding: 'utf8',
    timeout: 30_000,
  });
  assert.equal(run.status, 78, run.stderr);
  assert.match(run.stderr, /GATEWAY_JWT_SECRET is the public development secret/);
});

test('no key material refuses to start; the development secret on loopback starts and verifies its tokens', async () => {
  await assert.rejects(startGateway(gatewayConfig.fromEnv({ GATEWAY_HTTP_PORT: '0' }, 'GATEWAY'), parts), naming('GATEWAY_JWT_SECRET', /GATEWAY_JWKS_URL, GATEWAY_JWKS_FILE or GATEWAY_AUTH_PRIVATE_KEY_FILE/));
  const gateway = await startGateway(gatewayConfig.fromEnv({ GATEWAY_JWT_SECRET: DEV_JWT_SECRET, GATEWAY_HTTP_PORT: '0' }, 'GATEWAY'), parts);
  try {
    const admin = `Bearer ${await signToken({ sub: 'ops', role: 'admin' }, DEV_JWT_SECRET)}`;
    const response = await fetch(`${gateway.url}/customers/c-1/deposits`, { method: 'POST', headers: { authorization: admin, 'content-type': 'application/json' }, body: JSON.stringify({ amountCents: 100 }) });
    assert.equal(response.status, 202);
    const tooLong = `Bearer ${await signToken({ sub: 'ops', role: 'admin', lifetimeS: 86_400 }, DEV_JWT_SECRET)}`;
    const refused = await fetch(`${gateway.url}/customers/c-1/deposits`, { method: 'POST', headers: { authorization: tooLong, 'content-type': 'application/json' }, body: JSON.stringify({ amountCents: 100 }) });
    assert.equal(refused.status, 401, 'the default maximum lifetime is one hour');
  } finally {
    await gateway.close();
  }
});

test('a sign-in key that cannot be used stops the gateway at start, naming the variable, before anything connects', async () => {
  await assert.rejects(startGateway(gatewayConfig.fromEnv({ GATEWAY_HTTP_PORT: '0', GATEWAY_AUTH_PRIVATE_KEY_FILE: '/nonexistent/signing-key.pem' }, 'GATEWAY'), parts), naming('GATEWAY_AUTH_PRIVATE_KEY_FILE', /cannot be read/));
});
