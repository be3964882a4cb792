/**
 * The stack as a user drives it: `up`, `up` again (reuse), `status`, `down`, `status`,
 * through the real CLI, with real servers. It has its own STACK_HOME and its own ports
 * (the defaults + 20000), so it never touches the main stack; the download cache is shared.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isAlive } from '../../../scripts/stack/processes.ts';
import { isPortFree } from '../../../scripts/stack/ports.ts';
import { serviceHomeFor } from '../../../scripts/stack/user.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const SERVICES = ['kafka', 'registry', 'opensearch', 'postgres'];
const PORTS = {
  STACK_KAFKA_PORT: 29092,
  STACK_KAFKA_CONTROLLER_PORT: 29093,
  STACK_KAFKA_SASL_PORT: 29094,
  STACK_REGISTRY_PORT: 28081,
  STACK_REGISTRY_MANAGEMENT_PORT: 29001,
  STACK_OPENSEARCH_PORT: 29200,
  STACK_OPENSEARCH_TRANSPORT_PORT: 29300,
  STACK_POSTGRES_PORT: 25432,
};

interface Status {
  service: string;
  running: boolean;
  healthy: boolean;
  pid?: number;
  port: number;
}

test('up, up again, status, down, status: servers start once, are reused, and are stopped by PID', { timeout: 600_000 }, async (t) => {
  const home = mkdtempSync(join(tmpdir(), 'kstack-lifecycle-'));
  const env: Record<string, string | undefined> = { ...process.env, STACK_HOME: home, ...Object.fromEntries(Object.entries(PORTS).map(([key, port]) => [key, String(port)])) };
  const cli = (...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
    new Promise((resolve) => {
      execFile(process.execPath, ['scripts/stack/cli.ts', ...args], { cwd: root, env, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
        resolve({ code: error === null ? 0 : Number(error.code ?? 1), stdout, stderr });
      });
    });
  t.after(async () => {
    const stopped = await cli('down');
    if (stopped.code !== 0) t.diagnostic(`down failed: ${stopped.stderr}`);
    rmSync(home, { recursive: true, force: true });
    rmSync(serviceHomeFor(home), { recursive: true, force: true });
  });

  for (const port of Object.values(PORTS)) assert.equal(await isPortFree('127.0.0.1', port), true, `port ${port} must be free for this test`);

  const first = await cli('up');
  assert.equal(first.code, 0, `first up failed:\n${first.stdout}\n${first.stderr}`);
  for (const service of SERVICES) assert.match(first.stdout, new RegExp(`${service}: up on 127\\.0\\.0\\.1:\\d+ in [\\d.]+s`));
  t.diagnostic(first.stdout.trim());

  const upStatus = await cli('status', '--json');
  assert.equal(upStatus.code, 0, upStatus.stderr);
  const up = JSON.parse(upStatus.stdout) as Status[];
  assert.deepEqual(up.map((entry) => [entry.service, entry.running, entry.healthy]), SERVICES.map((service) => [service, true, true]));
  const pids = new Map(up.map((entry) => [entry.service, entry.pid]));

  const second = await cli('up');
  assert.equal(second.code, 0, second.stderr);
  for (const service of SERVICES) {
    assert.match(second.stdout, new RegExp(`${service}: already running \\(pid ${pids.get(service)}\\)`));
  }
  assert.doesNotMatch(second.stdout, /starting/);

  const text = await cli('status');
  assert.equal(text.code, 0);
  for (const service of SERVICES) assert.match(text.stdout, new RegExp(`${service}\\s+up \\(pid ${pids.get(service)}`));

  const down = await cli('down');
  assert.equal(down.code, 0, down.stderr);
  for (const service of SERVICES) assert.match(down.stdout, new RegExp(`${service}: stopped \\(pid ${pids.get(service)}\\)`));
  t.diagnostic(down.stdout.trim());

  const after = JSON.parse((await cli('status', '--json')).stdout) as Status[];
  assert.deepEqual(after.map((entry) => entry.running), SERVICES.map(() => false));
  for (const [service, pid] of pids) assert.equal(isAlive(pid as number), false, `${service} (pid ${pid}) is gone`);
  for (const port of Object.values(PORTS)) assert.equal(await isPortFree('127.0.0.1', port), true, `port ${port} is free again`);
});
