import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { httpOk, kafkaAnswers, waitHealthy } from '../../../scripts/stack/health.ts';

test('waiting ends healthy, on a dead process, or at the timeout', async () => {
  let calls = 0;
  assert.equal(await waitHealthy(async () => ++calls >= 3, () => true, 5000, 1), 'healthy');
  assert.equal(calls, 3);
  assert.equal(await waitHealthy(async () => false, () => false, 5000, 1), 'exited');
  const began = Date.now();
  assert.equal(await waitHealthy(async () => false, () => true, 100, 10), 'timeout');
  assert.ok(Date.now() - began < 2000);
});

test('an HTTP probe wants a 200', async (t) => {
  const server: Server = createServer((request, response) => {
    response.statusCode = request.url === '/ok' ? 200 : 503;
    response.end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => server.close());
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  assert.equal(await httpOk(`${base}/ok`), true);
  assert.equal(await httpOk(`${base}/starting`), false);
  server.closeAllConnections();
});

test('probes of servers that are not there answer false, not throw', async () => {
  assert.equal(await httpOk('http://127.0.0.1:1/', 500), false);
  assert.equal(await kafkaAnswers('127.0.0.1:1', 500), false);
});
