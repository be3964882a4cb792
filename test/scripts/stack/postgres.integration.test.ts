import { test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { endpoints, loadStackConfig } from '../../../scripts/stack/config.ts';
import { uniqueName } from '../../support/names.ts';

test('rows written to PostgreSQL are read back, inside and across transactions', { timeout: 60_000 }, async (t) => {
  const client = new pg.Client({ connectionString: endpoints(loadStackConfig()).postgresUrl });
  await client.connect();
  const table = uniqueName('orders').replaceAll('-', '_');
  t.after(async () => {
    await client.query(`DROP TABLE IF EXISTS ${table}`);
    await client.end();
  });

  await client.query(`CREATE TABLE ${table} (id text PRIMARY KEY, total numeric(12,2) NOT NULL, doc jsonb)`);
  const rows = Array.from({ length: 100 }, (_, i) => ({ id: `o-${i}`, total: (i * 1.25).toFixed(2), doc: { items: i % 3 } }));
  await client.query('BEGIN');
  await client.query(
    `INSERT INTO ${table} (id, total, doc) SELECT * FROM unnest($1::text[], $2::numeric[], $3::jsonb[])`,
    [rows.map((r) => r.id), rows.map((r) => r.total), rows.map((r) => JSON.stringify(r.doc))],
  );
  await client.query('COMMIT');

  await client.query('BEGIN');
  await client.query(`INSERT INTO ${table} (id, total) VALUES ('rolled-back', 1)`);
  await client.query('ROLLBACK');

  const read = await client.query<{ id: string; total: string; doc: { items: number } }>(`SELECT id, total, doc FROM ${table} ORDER BY total`);
  assert.equal(read.rowCount, rows.length);
  assert.deepEqual(read.rows.map((r) => ({ id: r.id, total: r.total, doc: r.doc })), rows);
  const sum = await client.query<{ sum: string }>(`SELECT sum(total)::text AS sum FROM ${table}`);
  assert.equal(sum.rows[0]?.sum, rows.reduce((acc, r) => acc + Number(r.total), 0).toFixed(2));
});
