/**
 * PostgreSQL: our sink task (upsert, pk.mode=record_key, batch.size 3000) against two
 * plain `pg` loads of the same rows in batches of the same size, one transaction per
 * batch: a multi-row `INSERT … VALUES … ON CONFLICT DO UPDATE` and the `unnest` form.
 * Every contender starts from an empty table; the time runs from the first write to the
 * last commit, and includes turning records into parameters.
 */

import pg from 'pg';
import type { SinkRecord } from '../../connectors/api/connect-record.ts';
import { postgresSinkConnector } from '../../connectors/sinks/postgres/connector.ts';
import { noopContext, type Order } from './data.ts';

const COLUMNS = ['id', 'customer', 'status', 'quantity', 'amount', 'note'];
const UPDATE = COLUMNS.slice(1).map((c) => `"${c}" = EXCLUDED."${c}"`).join(', ');
const TABLE_DDL = (table: string) => `CREATE TABLE "${table}" (id BIGINT NOT NULL PRIMARY KEY, customer TEXT NOT NULL, status TEXT NOT NULL, quantity INT NOT NULL, amount DOUBLE PRECISION NOT NULL, note TEXT)`;

export type PostgresContender = 'sink' | 'pg-values' | 'pg-unnest';

export async function resetTable(db: pg.Client, table: string): Promise<void> {
  await db.query(`DROP TABLE IF EXISTS "${table}"`);
  await db.query(TABLE_DDL(table));
}

export async function runPostgres(contender: PostgresContender, records: readonly SinkRecord[], url: string, table: string, batchSize: number): Promise<number> {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    await resetTable(db, table);
    const started = performance.now();
    if (contender === 'sink') await runSink(records, url, table, batchSize);
    else {
      for (let i = 0; i < records.length; i += batchSize) {
        const batch = records.slice(i, i + batchSize).map((r) => r.value as Order);
        await db.query('BEGIN');
        if (contender === 'pg-values') await insertValues(db, table, batch);
        else await insertUnnest(db, table, batch);
        await db.query('COMMIT');
      }
    }
    const seconds = (performance.now() - started) / 1000;
    const count = await db.query<{ n: string }>(`SELECT count(*) AS n FROM "${table}"`);
    if (Number(count.rows[0]?.n) !== records.length) throw new Error(`${contender} left ${count.rows[0]?.n} rows, expected ${records.length}`);
    return records.length / seconds;
  } finally {
    await db.end();
  }
}

async function runSink(records: readonly SinkRecord[], url: string, table: string, batchSize: number): Promise<void> {
  const task = postgresSinkConnector.createTask();
  await task.start({ 'connection.url': url, 'insert.mode': 'upsert', 'pk.mode': 'record_key', 'batch.size': String(batchSize), 'table.name.format': table }, noopContext);
  // The worker hands a task what one poll returned; give it batch-sized puts.
  for (let i = 0; i < records.length; i += batchSize) await task.put(records.slice(i, i + batchSize));
  await task.flush(new Map());
  await task.stop();
}

async function insertValues(db: pg.Client, table: string, batch: readonly Order[]): Promise<void> {
  const params: unknown[] = [];
  const tuples: string[] = [];
  for (const o of batch) {
    const n = params.length;
    params.push(o.id, o.customer, o.status, o.quantity, o.amount, o.note);
    tuples.push(`($${n + 1}, $${n + 2}, $${n + 3}, $${n + 4}, $${n + 5}, $${n + 6})`);
  }
  await db.query(`INSERT INTO "${table}" (${COLUMNS.map((c) => `"${c}"`).join(', ')}) VALUES ${tuples.join(', ')} ON CONFLICT ("id") DO UPDATE SET ${UPDATE}`, params);
}

async function insertUnnest(db: pg.Client, table: string, batch: readonly Order[]): Promise<void> {
  const params = [batch.map((o) => o.id), batch.map((o) => o.customer), batch.map((o) => o.status), batch.map((o) => o.quantity), batch.map((o) => o.amount), batch.map((o) => o.note)];
  await db.query(`INSERT INTO "${table}" (${COLUMNS.map((c) => `"${c}"`).join(', ')}) SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::int[], $5::float8[], $6::text[]) ON CONFLICT ("id") DO UPDATE SET ${UPDATE}`, params);
}
