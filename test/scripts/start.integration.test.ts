/**
 * `npm start` (scripts/start.ts) run as it is, with one service (customer) and its own
 * topics, Connect group, ports and folders, so it shares nothing with a platform someone
 * else runs on the same stack. First SIGKILLs the service process alone while commands
 * flow through the gateway (10/s): the launcher restarts it by activating its warm spare,
 * says so, and prints when the restarted process processes commands again. Then SIGKILLs
 * the service process, the gateway and the Connect worker together from outside; the
 * launcher must print each crash, restart each, print each
 * healthy again, and print when the restarted service processes records again (a command
 * sent through the restarted gateway). Then a Ctrl-C (SIGINT to the launcher) stops
 * everything and restarts nothing.
 *
 * The times it prints are shown, not asserted (they are a benchmark's business).
 */

import '../support/exit-after-tests.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { signToken } from '../../gateway/auth/jwt.ts';
import { DEV_JWT_SECRET } from '../../scripts/demo/demo-config.ts';
import { NodeProcess } from '../../scripts/platform/node-process.ts';
import { uniqueName } from '../support/names.ts';

const START = fileURLToPath(new URL('../../scripts/start.ts', import.meta.url));
const UP_TIMEOUT_MS = 300_000;
const RESTART_TIMEOUT_MS = 120_000;

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

test('npm start restarts a service process, the gateway and the Connect worker killed with SIGKILL, prints each crash and restart, and a Ctrl-C restarts nothing', { timeout: 600_000 }, async (t) => {
  const id = uniqueName('start-sup');
  const dir = mkdtempSync(join(tmpdir(), `${id}-`));
  const launcher = new NodeProcess({
    name: 'npm start',
    entry: START,
    logFile: join(dir, 'launcher.log'),
    env: {
      PLATFORM_SERVICES: 'customer',
      PLATFORM_QUERY_BASE_PORT: '0',
      PLATFORM_STATE_DIR: join(dir, 'state'),
      PLATFORM_LOG_DIR: join(dir, 'logs'),
      ECOMMERCE_TOPIC_PREFIX: `${id}-`,
      ECOMMERCE_TOPIC_PARTITIONS: '2',
      // The restarted member waits for the killed one's session to end (no static membership yet).
      ECOMMERCE_SESSION_TIMEOUT_MS: '6000',
      ECOMMERCE_HEARTBEAT_INTERVAL_MS: '1000',
      // Once healthy, a second crash is "1 in a row" again (customer-0 crashes twice).
      PLATFORM_RESTART_BACKOFF_RESET_MS: '0',
      CONNECT_REST_PORT: '0',
      CONNECT_GROUP_ID: `${id}-connect`,
      CONNECT_CONFIG_STORAGE_TOPIC: `${id}-connect-configs`,
      CONNECT_STATUS_STORAGE_TOPIC: `${id}-connect-status`,
      CONNECT_OFFSET_STORAGE_TOPIC: `${id}-connect-offsets`,
      CONNECT_OFFSET_STORAGE_PARTITIONS: '1',
      CONNECT_STATUS_STORAGE_PARTITIONS: '1',
      GATEWAY_HTTP_PORT: '0',
    },
  });
  const pids = new Map<string, number>();
  t.after(async () => {
    if (launcher.running) await launcher.stop(60_000);
    for (const pid of pids.values()) if (alive(pid)) process.kill(pid, 'SIGKILL');
  });
  const failWith = (error: unknown): never => {
    throw new Error(`${error instanceof Error ? error.message : String(error)}\n${launcher.tail(120)}`);
  };

  launcher.start();
  await launcher.waitFor(/^The platform is up:/, { timeoutMs: UP_TIMEOUT_MS }).catch(failWith);
  for (const name of ['customer-0', 'connect', 'gateway']) {
    const line = launcher.matching(new RegExp(`^${name}: healthy in [\\d.]+ s \\(pid \\d+\\)$`)).at(0);
    assert.ok(line !== undefined, `the launcher printed ${name} healthy with its pid`);
    pids.set(name, Number(/pid (\d+)/.exec(line)?.[1]));
  }
  const gatewayUrl = (/gateway \(HTTP\)\s+(\S+)/.exec(launcher.lines.join('\n')) as RegExpExecArray)[1] as string;
  // It prints every process's Prometheus metrics URL, and each answers.
  for (const [what, family] of [['customer-0', 'kstreams_thread_rebalances_total'], ['Connect', 'kafka_connect_sink_task_records_read_total'], ['gateway', 'gateway_http_requests_total']] as const) {
    const url = new RegExp(`^\\s+${what} \\(metrics\\)\\s+(http://\\S+/metrics)$`, 'm').exec(launcher.lines.join('\n'))?.[1];
    assert.ok(url !== undefined, `the launcher printed ${what}'s metrics URL`);
    const scraped = await fetch(url);
    assert.equal(scraped.status, 200, url);
    assert.match(await scraped.text(), new RegExp(`^# TYPE ${family} `, 'm'), `${what}'s /metrics has ${family}`);
  }

  const token = await signToken({ sub: 'ops', role: 'admin' }, DEV_JWT_SECRET);
  const createCustomer = (customerId: string): Promise<Response> => fetch(`${gatewayUrl}/customers`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': `${customerId}-create` },
    body: JSON.stringify({ customerId, name: 'Ada', email: 'ada@example.com' }),
  });

  // The service process alone, while commands keep coming (10/s): how long the restarted
  // process takes to process commands again is the launcher's figure for a service crash.
  const serviceFrom = launcher.mark();
  let sending = true;
  const sender = (async () => {
    for (let n = 0; sending; n++) {
      const answer = await createCustomer(`${id}-flow-${n}`);
      assert.equal(answer.status, 202, await answer.text());
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  try {
    // The launcher keeps a warm spare per service process, started a few seconds after it runs.
    const serviceLog = join(dir, 'logs', 'customer-0.log');
    const spareDeadline = Date.now() + 60_000;
    while (!readFileSync(serviceLog, 'utf8').includes('---- warm spare of customer-0 started')) {
      if (Date.now() > spareDeadline) throw new Error(`no warm spare of customer-0 within 60 s\n${readFileSync(serviceLog, 'utf8').slice(-3_000)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    process.kill(pids.get('customer-0') as number, 'SIGKILL');
    const again = await launcher.waitFor(/^customer-0: processing records again [\d.]+ s after the restart \([\d.]+ s after the crash\)$/, { from: serviceFrom, timeoutMs: RESTART_TIMEOUT_MS }).catch(failWith);
    t.diagnostic(`service process alone, commands flowing: ${again}`);
    const note = launcher.matching(/^customer-0: run 2 is its warm spare \(pid \d+, modules loaded, waiting [\d.]+ s\)$/, serviceFrom).at(0);
    assert.ok(note !== undefined, 'the restart activated the warm spare, and the launcher said so');
    t.diagnostic(note);
    const restartedLine = launcher.matching(/^customer-0: restarted \(run 2, pid \d+\)$/, serviceFrom).at(0);
    assert.ok(restartedLine !== undefined, 'the launcher printed the restart of customer-0');
    pids.set('customer-0', Number(/pid (\d+)/.exec(restartedLine)?.[1]));
    await launcher.waitFor(/^customer-0: healthy [\d.]+ s after the restart/, { from: serviceFrom, timeoutMs: RESTART_TIMEOUT_MS }).catch(failWith);
  } finally {
    sending = false;
    await sender;
  }

  const from = launcher.mark();
  for (const pid of pids.values()) process.kill(pid, 'SIGKILL');
  const restarted = new Map<string, number>();
  for (const [name, pid] of pids) {
    const crash = await launcher.waitFor(new RegExp(`^${name}: exited unexpectedly`), { from, timeoutMs: 30_000 }).catch(failWith);
    assert.match(crash, new RegExp(`\\(signal SIGKILL, pid ${pid}\\); its last \\d+ of \\d+ log lines of ${name}`));
    await launcher.waitFor(new RegExp(`^${name}: restarting in 1\\.0 s \\(crash 1 in a row\\)$`), { from, timeoutMs: 30_000 }).catch(failWith);
    const run = name === 'customer-0' ? 3 : 2;
    const line = await launcher.waitFor(new RegExp(`^${name}: restarted \\(run ${run}, pid \\d+\\)$`), { from, timeoutMs: 30_000 }).catch(failWith);
    const next = Number(/pid (\d+)/.exec(line)?.[1]);
    assert.notEqual(next, pid);
    restarted.set(name, next);
  }
  for (const [name, pid] of restarted) {
    const healthy = await launcher.waitFor(new RegExp(`^${name}: healthy [\\d.]+ s after the restart \\(pid ${pid}\\)$`), { from, timeoutMs: RESTART_TIMEOUT_MS }).catch(failWith);
    t.diagnostic(healthy);
    assert.ok(alive(pid), `${name} runs as pid ${pid}`);
    pids.set(name, pid);
  }

  // Work for the restarted service, through the restarted gateway.
  const created = await createCustomer(`${id}-c1`);
  assert.equal(created.status, 202, await created.text());
  const processing = await launcher.waitFor(/^customer-0: processing records again [\d.]+ s after the restart \([\d.]+ s after the crash\)$/, { from, timeoutMs: 60_000 }).catch(failWith);
  t.diagnostic(processing);

  // The ops page it printed, read with the admin token it printed, shows the restarted instance running.
  const printed = launcher.lines.join('\n');
  assert.equal(/ops page\s+(\S+)/.exec(printed)?.[1], `${gatewayUrl}/ops`, 'npm start prints the ops page');
  const opsToken = /ops admin token \(1 h\)\s+(\S+)/.exec(printed)?.[1];
  assert.ok(opsToken !== undefined, 'npm start prints an admin token for the ops page (development secret)');
  const opsDeadline = Date.now() + 60_000;
  let instances: Array<{ state: string }> = [];
  while (!(instances.length === 1 && instances[0]?.state === 'RUNNING')) {
    assert.ok(Date.now() < opsDeadline, `the ops snapshot shows customer-0 RUNNING within 60 s: ${JSON.stringify(instances)}`);
    const snapshot = await fetch(`${gatewayUrl}/ops/snapshot`, { headers: { authorization: `Bearer ${opsToken}` } });
    assert.equal(snapshot.status, 200);
    instances = ((await snapshot.json()) as { services: Array<{ instances: Array<{ state: string }> }> }).services.flatMap((s) => s.instances);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }

  // Ctrl-C: the launcher stops every process and restarts none.
  const beforeStop = launcher.mark();
  process.kill(launcher.pid as number, 'SIGINT');
  await launcher.waitFor(/^platform: stopping/, { from: beforeStop, timeoutMs: 10_000 }).catch(failWith);
  const exit = await new Promise<{ code: number | null }>((resolve) => {
    if (launcher.exit !== null) resolve(launcher.exit);
    else launcher.onExit(resolve);
  });
  assert.equal(exit.code, 0, launcher.tail(60));
  assert.deepEqual(launcher.matching(/exited unexpectedly|restart/, beforeStop), [], 'nothing crashed or restarted at the shutdown');
  for (const [name, pid] of pids) assert.equal(alive(pid), false, `${name} (pid ${pid}) is gone`);
});
