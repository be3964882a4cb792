import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import { isKstError } from '../../../common/errors.ts';
import { RegistryClient } from '../../../schemas/registry/registry-client.ts';

// A port that was free a moment ago: nothing listens there.
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

test('an unreachable registry is a retryable KST_SCHEMA_REGISTRY on every call', async () => {
  const registry = new RegistryClient({ url: `http://127.0.0.1:${await closedPort()}/apis/ccompat/v7`, retries: 0, timeoutMs: 2000 });
  const schema = { type: 'record', name: 'R', fields: [{ name: 'a', type: 'int' }] } as const;
  const calls = [() => registry.getAvroType(1), () => registry.getCompatibility('s'), () => registry.register('s', schema), () => registry.checkCompatibility('s', schema)];
  for (const call of calls) {
    await assert.rejects(call(), (error) => isKstError(error, 'KST_SCHEMA_REGISTRY') && error.canRetry);
  }
  // A failed fetch is not cached: the next call tries again.
  await assert.rejects(registry.getAvroType(1));
  assert.equal(registry.schemaFetches, 2);
});

test('a registry that accepts the connection and never answers fails every call after timeoutMs, as a retryable KST_SCHEMA_REGISTRY', { timeout: 60_000 }, async () => {
  const sockets = new Set<Socket>();
  const silent = createServer((socket) => void sockets.add(socket));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const { port } = silent.address() as { port: number };
  try {
    const registry = new RegistryClient({ url: `http://127.0.0.1:${port}/apis/ccompat/v7`, retries: 0, timeoutMs: 300 });
    const schema = { type: 'record', name: 'R', fields: [{ name: 'a', type: 'int' }] } as const;
    // The library's own calls (by id, register) and ours (compatibility): none may hang.
    const calls = [() => registry.getAvroType(1), () => registry.register('s', schema), () => registry.getCompatibility('s')];
    for (const call of calls) {
      const started = Date.now();
      await assert.rejects(call(), (error) => isKstError(error, 'KST_SCHEMA_REGISTRY') && error.canRetry);
      assert.ok(Date.now() - started < 20_000, 'the call gave up instead of waiting for an answer that never comes');
    }
    assert.ok(sockets.size > 0, 'the calls reached the silent server');
  } finally {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  }
});
