import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serviceHomeFor } from '../../../scripts/stack/user.ts';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));

function cli(args: readonly string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['scripts/stack/cli.ts', ...args], { cwd: root, env: { ...process.env, ...env } }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : Number(error.code ?? 1), stdout, stderr });
    });
  });
}

function tempHome(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'kstack-cli-'));
  t.after(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(serviceHomeFor(dir), { recursive: true, force: true });
  });
  return dir;
}

function listen(): Promise<Server> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen({ host: '127.0.0.1', port: 0 }, () => resolve(server));
  });
}

async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(Array.from({ length: count }, () => listen()));
  const ports = servers.map((server) => (server.address() as AddressInfo).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

test('bad usage exits 2 with the usage text', async () => {
  const missing = await cli([], {});
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /usage: npm run stack/);
  const unknown = await cli(['launch'], {});
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown command "launch"/);
  assert.equal((await cli(['status', '--yaml'], {})).code, 2);
});

test('an unknown service or a bad setting exits 1 naming it', async (t) => {
  const home = tempHome(t);
  const service = await cli(['status', 'zookeeper'], { STACK_HOME: home });
  assert.equal(service.code, 1);
  assert.match(service.stderr, /unknown service "zookeeper"/);
  const setting = await cli(['status'], { STACK_HOME: home, STACK_KAFKA_PORT: 'ninety' });
  assert.equal(setting.code, 1);
  assert.match(setting.stderr, /KST_CONFIG_INVALID.*STACK_KAFKA_PORT/);
});

test('status with nothing started says so and exits 0, also as JSON', async (t) => {
  const home = tempHome(t);
  const text = await cli(['status'], { STACK_HOME: home });
  assert.equal(text.code, 0);
  assert.match(text.stdout, /kafka\s+down/);
  const json = await cli(['status', '--json'], { STACK_HOME: home });
  assert.equal(json.code, 0);
  const entries = JSON.parse(json.stdout) as Array<{ service: string; running: boolean }>;
  assert.deepEqual(entries.map((entry) => [entry.service, entry.running]), [['kafka', false], ['registry', false], ['opensearch', false], ['postgres', false]]);
  assert.equal((await cli(['down'], { STACK_HOME: home })).code, 0);
});

test('up refuses a port some other process holds, naming port and variable', async (t) => {
  const home = tempHome(t);
  const server = await listen();
  t.after(() => server.close());
  const port = (server.address() as AddressInfo).port;
  const result = await cli(['up', 'postgres'], { STACK_HOME: home, STACK_POSTGRES_PORT: String(port) });
  assert.equal(result.code, 1);
  assert.match(result.stderr, new RegExp(`KST_STACK_PORT_IN_USE: postgres: port 127\\.0\\.0\\.1:${port}`));
  assert.match(result.stderr, /STACK_POSTGRES_PORT=<port>/);
});

test('a missing JDK for the registry fails before anything starts', async (t) => {
  const home = tempHome(t);
  const [port, management] = await freePorts(2);
  const result = await cli(['up', 'registry'], { STACK_HOME: home, STACK_REGISTRY_PORT: String(port), STACK_REGISTRY_MANAGEMENT_PORT: String(management), STACK_REGISTRY_JAVA_HOME: join(home, 'no-jdk') });
  assert.equal(result.code, 1);
  assert.match(result.stderr, /KST_STACK_PREREQUISITE_MISSING: registry .*needs a JDK 21 or newer.*STACK_REGISTRY_JAVA_HOME/);
});

test('a server that exits during start-up fails `up` with the tail of its log and leaves no PID file', async (t) => {
  const home = tempHome(t);
  const [port] = await freePorts(1);
  // A data folder from a PostgreSQL version that does not exist: initdb is skipped and the server refuses it.
  // As root the server's files live in the service home, outside the stack home.
  const data = join(process.getuid?.() === 0 ? serviceHomeFor(home) : home, 'postgres', 'data');
  mkdirSync(data, { recursive: true, mode: 0o700 });
  writeFileSync(join(data, 'PG_VERSION'), '99\n');
  const result = await cli(['up', 'postgres'], { STACK_HOME: home, STACK_POSTGRES_PORT: String(port) });
  assert.equal(result.code, 1);
  assert.match(result.stderr, /KST_STACK_START_FAILED: postgres exited during start-up; last lines of .*postgres\.log/);
  assert.match(result.stderr, /postgres: could not access the server configuration file/);
  assert.equal(existsSync(join(home, 'pids', 'postgres.pid')), false);
});
