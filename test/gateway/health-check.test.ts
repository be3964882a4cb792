import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { QueryServer } from '../../gateway/grpc/query-server.ts';

const CHECK = fileURLToPath(new URL('../../gateway/health-check.ts', import.meta.url));

function run(...args: string[]): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CHECK, ...args], (error, stdout) => resolve({ code: error === null ? 0 : Number(error.code), stdout: stdout.trim() }));
  });
}

test('the health check command exits 0 only while the server answers SERVING', async () => {
  const server = await QueryServer.listen();
  try {
    assert.deepEqual(await run(server.endpoint), { code: 1, stdout: 'NOT_SERVING' });
    server.health.setServing(true);
    assert.deepEqual(await run(server.endpoint, 'kstreams.ecommerce.v1.StockQueries'), { code: 0, stdout: 'SERVING' });
  } finally {
    await server.close();
  }
  const gone = await run(server.endpoint);
  assert.equal(gone.code, 1);
  assert.match(gone.stdout, /^no answer from /);
});
