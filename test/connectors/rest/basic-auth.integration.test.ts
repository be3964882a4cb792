/**
 * REST basic auth through two real workers of one cluster: without credentials (or with
 * wrong ones) every route but GET / answers 401 with WWW-Authenticate; with them, a
 * connector created through one worker is read, paused and deleted through the other.
 */
import '../../support/exit-after-tests.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memorySinkPlugin } from '../../../connectors/plugins/memory-sink.ts';
import { Worker } from '../../../connectors/worker.ts';
import { bootstrap, broker, clusterNames, dropCluster, unique, until } from '../helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'kst-connect-users-'));
const usersFile = join(dir, 'users.properties');
writeFileSync(usersFile, 'operator=correct horse battery\n');
const GOOD = `Basic ${Buffer.from('operator:correct horse battery').toString('base64')}`;
const BAD = `Basic ${Buffer.from('operator:wrong').toString('base64')}`;

async function call(base: string, method: string, path: string, authorization?: string, body?: unknown): Promise<{ status: number; body: unknown; headers: Headers }> {
  const headers: Record<string, string> = {};
  if (authorization !== undefined) headers['authorization'] = authorization;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(base + path, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : JSON.parse(text) as unknown, headers: response.headers };
}

test('with rest.basic.auth.users.file, every route but GET / needs the credentials, on every worker', { timeout: 120_000 }, async (t) => {
  const kafka = broker();
  const cluster = clusterNames('kst-connect-auth');
  // Started here rather than by the helper, whose readiness probe (GET /health) has no credentials.
  const workers: Worker[] = [];
  try {
    const settings = { 'rest.basic.auth.users.file': usersFile };
    const started = async (): Promise<Worker> => {
      const worker = new Worker({ 'bootstrap.servers': bootstrap(), ...cluster, 'rest.port': 0, 'status.storage.partitions': 1, 'offset.storage.partitions': 1, 'session.timeout.ms': 6_000, 'heartbeat.interval.ms': 500, 'rebalance.timeout.ms': 10_000, ...settings }, { logSink: () => undefined });
      workers.push(worker);
      await worker.start();
      await until('the worker joined its cluster', async () => (await call(worker.url, 'GET', '/health', GOOD)).status === 200);
      return worker;
    };
    const [a, b] = [await started(), await started()] as [Worker, Worker];
    const topic = await kafka.topic(1);
    const name = unique('auth');

    await t.test('no credentials, wrong credentials, another scheme: 401 with WWW-Authenticate, on every route and unknown paths', async () => {
      const routes: Array<[string, string, unknown?]> = [
        ['GET', '/connectors'], ['POST', '/connectors', { name: 'x', config: {} }], ['GET', '/health'], ['GET', '/connector-plugins'],
        ['PUT', '/connector-plugins/x/config/validate', {}], ['GET', '/admin/loggers'], ['PUT', '/admin/loggers/root', { level: 'DEBUG' }],
        ['GET', `/connectors/${name}/status`], ['DELETE', `/connectors/${name}`], ['GET', '/no/such/path'],
      ];
      for (const worker of [a, b]) {
        for (const [method, path, body] of routes) {
          for (const authorization of [undefined, BAD, 'Bearer token']) {
            const answer = await call(worker.url, method, path, authorization, body);
            assert.equal(answer.status, 401, `${method} ${path} with ${authorization ?? 'nothing'}`);
            assert.match(answer.headers.get('www-authenticate') ?? '', /^Basic realm="Kafka Connect"/);
            assert.deepEqual(answer.body, { error_code: 401, message: 'User cannot access the resource.' });
          }
        }
        const root = await call(worker.url, 'GET', '/');
        assert.equal(root.status, 200, 'GET / stays open for health checks');
        assert.equal((await call(worker.url, 'GET', '/?x=1')).status, 200);
      }
      assert.deepEqual((await call(a.url, 'GET', '/admin/loggers/root', GOOD)).body, { level: 'INFO', last_modified: null }, 'the refused PUT of DEBUG changed nothing');
    });

    await t.test('with the credentials: created through one worker, read and controlled through the other', async () => {
      const created = await call(b.url, 'POST', '/connectors', GOOD, { name, config: { 'connector.class': memorySinkPlugin.className, topics: topic, 'memory.sink.id': unique('auth-sink') } });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      await until('the connector runs', async () => ((await call(a.url, 'GET', `/connectors/${name}/status`, GOOD)).body as { connector?: { state: string } }).connector?.state === 'RUNNING');
      assert.deepEqual((await call(a.url, 'GET', '/connectors', GOOD)).body, [name]);
      assert.equal((await call(a.url, 'PUT', `/connectors/${name}/pause`, GOOD)).status, 202);
      await until('the pause is seen through the other worker', async () => ((await call(b.url, 'GET', `/connectors/${name}/status`, GOOD)).body as { connector: { state: string } }).connector.state === 'PAUSED');
      assert.equal((await call(b.url, 'DELETE', `/connectors/${name}`, GOOD)).status, 204);
      assert.deepEqual((await call(a.url, 'GET', '/connectors', GOOD)).body, []);
    });
  } finally {
    for (const worker of workers.reverse()) await worker.stop().catch(() => undefined);
    await dropCluster(kafka.admin, cluster);
    await kafka.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a worker whose credentials file is empty does not start', () => {
  const empty = join(mkdtempSync(join(tmpdir(), 'kst-connect-users-')), 'empty.properties');
  writeFileSync(empty, '');
  assert.throws(() => new Worker({ 'rest.basic.auth.users.file': empty }), /KST_CONFIG_INVALID: config "rest.basic.auth.users.file"/);
});
