import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import type { SinkRecord } from '../../../../connectors/api/connect-record.ts';
import { postgresSinkConnector } from '../../../../connectors/sinks/postgres/connector.ts';
import { CuttableProxy, field, recordingContext, sinkRecord, stack, struct, uniqueId } from '../support.ts';

const url = new URL(stack.postgresUrl);
let db: pg.Client;

before(async () => {
  db = new pg.Client({ connectionString: stack.postgresUrl });
  await db.connect();
});
after(async () => {
  await db.end();
});

const keySchema = struct({ id: field('int32') });
const valueSchema = struct({ id: field('int32'), version: field('int32'), label: field('string'), meta: struct({ n: field('int32') }, true) });

/** 10,000 records over 1,500 keys: inserts, updates and deletes (some keys come back); the expected final state alongside. */
function workload(topic: string, count: number, seed = 7): { records: SinkRecord[]; expected: Map<number, { version: number; label: string }> } {
  let state = seed;
  const random = (n: number): number => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state % n;
  };
  const records: SinkRecord[] = [];
  const expected = new Map<number, { version: number; label: string }>();
  for (let i = 0; i < count; i += 1) {
    const id = random(1500);
    if (random(10) === 0) {
      records.push(sinkRecord(topic, { id }, null, { keySchema }));
      expected.delete(id);
    } else {
      const version = i;
      const label = `label-${id}-${i}`;
      records.push(sinkRecord(topic, { id }, { id, version, label, meta: { n: i } }, { keySchema, valueSchema }));
      expected.set(id, { version, label });
    }
  }
  return { records, expected };
}

async function assertTableEquals(table: string, expected: Map<number, { version: number; label: string }>): Promise<void> {
  const result = await db.query<{ id: number; version: number; label: string; meta: { n: number } }>(`SELECT id, version, label, meta FROM "${table}" ORDER BY id`);
  const want = [...expected.entries()].sort((a, b) => a[0] - b[0]).map(([id, v]) => ({ id, version: v.version, label: v.label, meta: { n: v.version } }));
  assert.equal(result.rows.length, want.length);
  assert.deepEqual(result.rows, want);
}

const config = (port: number, extra: Record<string, string> = {}) => ({
  'connection.url': `jdbc:postgresql://${url.hostname}:${port}${url.pathname}`,
  'connection.user': decodeURIComponent(url.username),
  'connection.password': decodeURIComponent(url.password),
  'insert.mode': 'upsert',
  'pk.mode': 'record_key',
  'delete.enabled': 'true',
  'auto.create': 'true',
  ...extra,
});

test('10,000 records with updates and deletes leave the table equal to the expected final state', async () => {
  const topic = uniqueId('pg_load');
  const { records, expected } = workload(topic, 10_000);
  const task = postgresSinkConnector.createTask();
  await task.start(config(Number(url.port), { 'batch.size': '700' }), recordingContext());
  // Puts of uneven sizes, as the worker's polls would give.
  for (let i = 0; i < records.length; i += 1234) await task.put(records.slice(i, i + 1234));
  await task.flush(new Map());
  await task.stop();
  await assertTableEquals(topic, expected);
});

test('PostgreSQL unreachable for several seconds: the task retries and catches up with no loss', async () => {
  const topic = uniqueId('pg_outage');
  const proxy = new CuttableProxy({ host: url.hostname, port: Number(url.port) });
  await proxy.start();
  const task = postgresSinkConnector.createTask();
  await task.start(config(proxy.port, { 'batch.size': '500', 'max.retries': '100', 'retry.backoff.ms': '250', 'connection.timeout.ms': '1000' }), recordingContext());
  try {
    const { records, expected } = workload(topic, 10_000, 11);
    await task.put(records.slice(0, 3000));
    // Cut the link mid-stream for 6 s: connections drop, new ones are refused.
    const cutAt = Date.now();
    proxy.cut();
    const restoring = new Promise<void>((resolve) => setTimeout(() => {
      proxy.restore();
      resolve();
    }, 6000));
    await task.put(records.slice(3000, 7000));
    assert.ok(Date.now() - cutAt >= 5500, 'the put waited for the outage to end');
    await restoring;
    await task.put(records.slice(7000));
    await task.flush(new Map());
    await assertTableEquals(topic, expected);
  } finally {
    await task.stop();
    await proxy.stop();
  }
});

test('after max.retries the put fails with a retriable error the worker can retry later', async () => {
  const proxy = new CuttableProxy({ host: url.hostname, port: Number(url.port) });
  await proxy.start();
  proxy.cut();
  const task = postgresSinkConnector.createTask();
  await task.start(config(proxy.port, { 'max.retries': '2', 'retry.backoff.ms': '50', 'connection.timeout.ms': '500' }), recordingContext());
  try {
    await assert.rejects(task.put([sinkRecord(uniqueId('pg_down'), { id: 1 }, { id: 1, version: 1, label: 'x', meta: null }, { keySchema, valueSchema })]), (e: unknown) => {
      assert.equal((e as { code?: string }).code, 'KST_SINK_CONNECTION_FAILED');
      assert.equal((e as { retriable?: boolean }).retriable, true);
      return true;
    });
  } finally {
    await task.stop();
    await proxy.stop();
  }
});
