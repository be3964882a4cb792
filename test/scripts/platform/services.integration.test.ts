/**
 * The platform launcher's library (`Platform`) with one service and its own topics:
 * unsupervised, a crashed process stays down until `restart` starts it again on the same
 * port; supervised, the supervisor restarts it by itself (printed) and `restart` only
 * waits for it. Health is read through the query server's gRPC health service.
 */

import '../../support/exit-after-tests.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkHealth } from '../../../gateway/grpc/health-probe.ts';
import { Platform } from '../../../scripts/platform/services.ts';
import { endpoints, loadStackConfig } from '../../../scripts/stack/config.ts';
import { uniqueName } from '../../support/names.ts';

const stack = endpoints(loadStackConfig());

function settings(prefix: string): Record<string, unknown> {
  return {
    'bootstrap.servers': stack.kafkaBootstrap,
    'schema.registry.url': stack.registryUrl,
    'topic.prefix': `${prefix}-`,
    'topic.partitions': 2,
    'session.timeout.ms': 6_000,
    'heartbeat.interval.ms': 1_000,
  };
}

test('unsupervised: a SIGKILLed process stays down until restart starts it on its state folder and port', { timeout: 300_000 }, async (t) => {
  const id = uniqueName('plat-unsup');
  const dir = mkdtempSync(join(tmpdir(), `${id}-`));
  const lines: string[] = [];
  const platform = await Platform.start({ services: ['customer'], supervise: false, 'query.base.port': 0, 'state.dir': join(dir, 'state'), 'log.dir': join(dir, 'logs') }, settings(id), { print: (line) => lines.push(line) });
  t.after(() => platform.stop());
  const customer = platform.process('customer', 0);
  const endpoint = customer.endpoint;
  assert.match(endpoint, /:\d+$/);
  assert.notEqual(endpoint.endsWith(':0'), true, 'the reported port replaces 0');
  assert.equal(customer.state, 'RUNNING');
  assert.equal(await checkHealth(endpoint), 'SERVING');

  await platform.crash('customer', 0);
  assert.equal(customer.running, false);
  await assert.rejects(checkHealth(endpoint, { timeoutMs: 500 }));
  assert.equal(customer.runs, 1, 'nothing restarted it');
  await platform.restart('customer', 0);
  assert.equal(customer.runs, 2);
  assert.equal(customer.endpoint, endpoint, 'the same port');
  assert.equal(customer.state, 'RUNNING');
  assert.equal(await checkHealth(endpoint), 'SERVING');
  assert.deepEqual(lines, [], 'an unsupervised platform prints nothing');
  assert.deepEqual(await platform.stop(), []);
});

test('supervised: a SIGKILLed process is printed and restarted by its supervisor; restart waits until it is healthy', { timeout: 300_000 }, async (t) => {
  const id = uniqueName('plat-sup');
  const dir = mkdtempSync(join(tmpdir(), `${id}-`));
  const lines: string[] = [];
  const platform = await Platform.start({ services: ['customer'], 'query.base.port': 0, 'state.dir': join(dir, 'state'), 'log.dir': join(dir, 'logs'), 'restart.backoff.initial.ms': 200 }, settings(id), { print: (line) => lines.push(line) });
  t.after(() => platform.stop());
  const customer = platform.process('customer', 0);
  const first = customer.pid as number;
  assert.match(lines.join('\n'), new RegExp(`^customer-0: healthy in [\\d.]+ s \\(pid ${first}\\)$`, 'm'));

  await platform.crash('customer', 0);
  await platform.restart('customer', 0);
  assert.equal(customer.runs, 2);
  const second = customer.pid as number;
  assert.notEqual(second, first);
  assert.equal(await checkHealth(customer.endpoint), 'SERVING');
  const printed = lines.join('\n');
  assert.match(printed, new RegExp(`^customer-0: exited unexpectedly \\(signal SIGKILL, pid ${first}\\); its last`, 'm'));
  assert.match(printed, /^customer-0: restarting in 0\.2 s \(crash 1 in a row\)$/m);
  assert.match(printed, new RegExp(`^customer-0: restarted \\(run 2, pid ${second}\\)$`, 'm'));
  assert.match(printed, new RegExp(`^customer-0: healthy [\\d.]+ s after the restart \\(pid ${second}\\)$`, 'm'));
  const before = lines.length;
  assert.deepEqual(await platform.stop(), []);
  assert.equal(customer.running, false);
  assert.deepEqual(lines.slice(before), [], 'the shutdown is no crash');
});
