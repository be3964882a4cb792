import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { isKstError } from '../../../common/errors.ts';
import { loadStackConfig } from '../../../scripts/stack/config.ts';
import { assertDistinctPorts, assertPortsFree, isPortFree } from '../../../scripts/stack/ports.ts';

function listen(host: string): Promise<Server> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen({ host, port: 0 }, () => resolve(server));
  });
}

function portOf(server: Server): number {
  return (server.address() as AddressInfo).port;
}

test('a port we listen on is reported taken, and free once closed', async () => {
  const server = await listen('127.0.0.1');
  const port = portOf(server);
  assert.equal(await isPortFree('127.0.0.1', port), false);
  await new Promise((resolve) => server.close(resolve));
  assert.equal(await isPortFree('127.0.0.1', port), true);
});

test('a server bound to every address also blocks 127.0.0.1', async (t) => {
  const server = await listen('0.0.0.0');
  t.after(() => server.close());
  assert.equal(await isPortFree('127.0.0.1', portOf(server)), false);
});

test('a taken port fails with KST_STACK_PORT_IN_USE naming the port and the variable to change', async (t) => {
  const server = await listen('127.0.0.1');
  t.after(() => server.close());
  const port = portOf(server);
  const config = loadStackConfig({ STACK_POSTGRES_PORT: String(port) });
  await assert.rejects(assertPortsFree(config, 'postgres', ['postgres.port']), (error: unknown) => {
    assert.ok(isKstError(error, 'KST_STACK_PORT_IN_USE'));
    assert.match(error.message, new RegExp(`127\\.0\\.0\\.1:${port}`));
    assert.match(error.message, /STACK_POSTGRES_PORT/);
    assert.equal(error.details['envName'], 'STACK_POSTGRES_PORT');
    return true;
  });
});

test('two keys with one port are refused before anything starts', () => {
  assert.doesNotThrow(() => assertDistinctPorts(loadStackConfig({})));
  assert.throws(
    () => assertDistinctPorts(loadStackConfig({ STACK_REGISTRY_PORT: '28081', STACK_REGISTRY_MANAGEMENT_PORT: '28081' })),
    (error: unknown) => isKstError(error, 'KST_CONFIG_INVALID') && /registry\.management\.port.*28081.*STACK_REGISTRY_MANAGEMENT_PORT/.test(error.message),
  );
});
