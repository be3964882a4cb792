/**
 * Acceptance: interactive queries across processes. Two processes count per key, each
 * with an `application.server` endpoint on which a tiny HTTP server answers its queries
 * (GET /meta, GET /get: what the gRPC gateway will do). From EITHER process, the metadata
 * of every key names the process that actually holds the key's partition (its active
 * task); that process's local read gives the exact count, the other's read fails with the
 * retriable KST_STREAMS_STORE_UNAVAILABLE. When a third process joins, queries get the
 * retriable error while the group rebalances and succeed on retry, with exact counts.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { freeServerPorts } from '../../support/free-ports.ts';
import { uniqueName } from '../../support/names.ts';
import type { ProducerRecord } from '../../../processors/kafka/index.ts';
import type { ChildApp } from './support/child-app.ts';
import { StreamsHarness } from './support/harness.ts';
import { produceAll } from './support/kafka-io.ts';
import { lastActiveTasks, sharing } from './support/reports.ts';
import { stringRecord } from './support/string-records.ts';

const APP = new URL('../../fixtures/apps/queryable-app.ts', import.meta.url).pathname;
const PARTITIONS = 4;
const KEYS = 40;
const RETRIABLE = 'KST_STREAMS_STORE_UNAVAILABLE';

/**
 * A free server port below the ephemeral range: a port the OS picked from that range could
 * go to another process's outgoing connection before the app binds it (seen once:
 * EADDRINUSE with the suite running side by side).
 */
async function freePort(): Promise<number> {
  const [port] = await freeServerPorts(1);
  return port as number;
}

type Answer = { ok: true; body: Record<string, unknown> } | { ok: false; status: number; code: string | undefined };

async function query(port: number, path: '/meta' | '/get', key: string): Promise<Answer> {
  const response = await fetch(`http://127.0.0.1:${port}${path}?key=${encodeURIComponent(key)}`, { signal: AbortSignal.timeout(5_000) });
  const body = (await response.json()) as Record<string, unknown>;
  if (response.status === 200) return { ok: true, body };
  return { ok: false, status: response.status, code: typeof body['code'] === 'string' ? body['code'] : undefined };
}

const show = (answer: Answer): string => (answer.ok ? JSON.stringify(answer.body) : `${answer.status} ${answer.code ?? '(no code)'}`);

interface Instance { readonly app: ChildApp; readonly port: number }

/**
 * Asks `asked` where every key lives, and checks the answer against the task the named
 * process reported, its local read (the exact count) and every other process's read
 * (the retriable error).
 */
async function checkRouting(instances: readonly Instance[], asked: Instance, expected: ReadonlyMap<string, number>, from: readonly number[]): Promise<Map<number, number>> {
  const owners = new Map<number, number>();
  for (const [key, count] of expected) {
    const meta = await query(asked.port, '/meta', key);
    assert.ok(meta.ok, `${asked.app.name}: metadata of ${key}: ${show(meta)}`);
    const port = meta.body['port'] as number;
    const partition = meta.body['partition'] as number;
    const owner = instances.findIndex((i) => i.port === port);
    assert.ok(owner >= 0, `${asked.app.name} names ${JSON.stringify(meta.body)} for ${key}: no such process`);
    const tasks = lastActiveTasks((instances[owner] as Instance).app, from[owner] ?? 0) ?? [];
    assert.ok(tasks.includes(`0_${partition}`), `${asked.app.name} names ${(instances[owner] as Instance).app.name} for ${key} (partition ${partition}), whose tasks are ${JSON.stringify(tasks)}`);
    owners.set(partition, owner);
    for (const [i, instance] of instances.entries()) {
      const read = await query(instance.port, '/get', key);
      if (i === owner) assert.deepEqual(read.ok ? read.body : show(read), { value: count }, `${instance.app.name} (owner) reads ${key}`);
      else assert.equal(read.ok ? `200 ${JSON.stringify(read.body)}` : read.code, RETRIABLE, `${instance.app.name} (not the owner) reads ${key}`);
    }
  }
  return owners;
}

test('interactive queries: metadata from any process names the owner, which answers exactly; others and a joining process answer the retriable error, then succeed on retry', { timeout: 90_000 }, async (t) => {
  const h = new StreamsHarness('iq');
  t.after(() => h.close());
  const appId = uniqueName('kst-it-iq');
  const input = uniqueName('kst-it-iq-in');
  await h.createTopics([input], PARTITIONS);

  const ports = [await freePort(), await freePort(), await freePort()];
  const instance = (name: string, port: number): Instance => ({
    port,
    app: h.app(name, APP, appId, 'exactly_once_v2', {
      KST_INPUT_TOPIC: input,
      KST_HTTP_PORT: String(port),
      KST_CONFIG: JSON.stringify({ 'application.server': `127.0.0.1:${port}` }),
    }),
  });
  const [a, b, c] = [instance('iq-a', ports[0] as number), instance('iq-b', ports[1] as number), instance('iq-c', ports[2] as number)];
  a.app.start();
  b.app.start();
  await h.until('a and b RUNNING with a share of the 4 tasks', () => sharing([a.app, b.app], PARTITIONS), 45_000);
  h.log(`running: a=${JSON.stringify(lastActiveTasks(a.app))} b=${JSON.stringify(lastActiveTasks(b.app))}`);

  const expected = new Map<string, number>();
  const records: ProducerRecord[] = [];
  for (let i = 0; i < KEYS; i++) {
    const key = `key-${i}`;
    const count = 1 + ((i * 7) % 5);
    expected.set(key, count);
    for (let n = 0; n < count; n++) records.push(stringRecord(input, key, `v${n}`, Date.now()));
  }
  await produceAll(h.producer, records);
  await h.awaitCaughtUp(appId, [[{ topic: input, partitions: PARTITIONS }]], 30_000);
  h.log(`${records.length} records over ${KEYS} keys processed`);

  for (const asked of [a, b]) {
    const owners = await checkRouting([a, b], asked, expected, [0, 0]);
    assert.equal(new Set(owners.values()).size, 2, `keys live on both processes: ${JSON.stringify([...owners])}`);
  }
  h.log('routing from a and from b: every key named on its owner, exact there, retriable elsewhere');

  // A third process joins: queries meet the rebalance and the newcomer, and retry.
  const marks = [a.app.mark(), b.app.mark(), 0];
  c.app.start();
  await c.app.waitFor(/^HTTP /, { timeoutMs: 20_000 });
  const retriable = new Map<string, number>();
  const unexpected: string[] = [];
  const answered = new Set<string>();
  const all = [a, b, c];
  const deadline = Date.now() + 45_000;
  let round = 0;
  // Until the three share the tasks and every key has been answered exactly since they did.
  for (let settled = false; !(settled && answered.size === KEYS);) {
    assert.ok(Date.now() < deadline, `queries did not settle after the join: answered ${answered.size}/${KEYS}, retriable ${JSON.stringify([...retriable])}, unexpected ${unexpected.slice(0, 5).join('; ')}\n${all.map((i) => i.app.tail(20)).join('\n')}`);
    if (!settled && sharing(all.map((i) => i.app), PARTITIONS, marks)) {
      settled = true;
      answered.clear();
    }
    const asked = all[round % 3] as Instance;
    round += 1;
    for (const [key, count] of expected) {
      if (answered.has(key)) continue;
      const meta = await query(asked.port, '/meta', key);
      const read = meta.ok ? await query(meta.body['port'] as number, '/get', key) : meta;
      if (read.ok && read.body['value'] === count) {
        if (settled) answered.add(key);
      } else if (!read.ok && read.code === RETRIABLE) {
        retriable.set(asked.app.name, (retriable.get(asked.app.name) ?? 0) + 1);
      } else {
        unexpected.push(`${asked.app.name} ${key}: ${show(read)} (expected ${count})`);
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  h.log(`after the join: a=${JSON.stringify(lastActiveTasks(a.app, marks[0]))} b=${JSON.stringify(lastActiveTasks(b.app, marks[1]))} c=${JSON.stringify(lastActiveTasks(c.app))}; retriable answers ${JSON.stringify([...retriable])} over ${round} rounds`);
  assert.deepEqual(unexpected, [], 'every answer is the exact count or the retriable error');
  assert.ok([...retriable.values()].reduce((x, y) => x + y, 0) > 0, 'queries met the retriable error while c joined');

  for (const asked of all) await checkRouting(all, asked, expected, marks);
  h.log('routing from a, b and c after the join: exact on the owner, retriable elsewhere');

  const closed = await Promise.all(all.map((i) => i.app.stop()));
  assert.deepEqual(closed, [true, true, true], 'the three processes close cleanly on SIGTERM');
  h.passed();
});
