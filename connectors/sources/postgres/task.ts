/**
 * The PostgreSQL source task, as Confluent's `JdbcSourceTask`: it polls each of its
 * tables every `poll.interval.ms` (at once again after a full batch of `batch.max.rows`),
 * turns the rows into records for `<topic.prefix><table>`, and resumes each table from
 * the offset the worker stored for it. A query that fails on a connection error is run
 * again on a new connection after `connection.backoff.ms`, up to `connection.attempts`
 * times; then the task fails.
 *
 * The session runs in UTC, so `timestamp` (without time zone) columns compare with the
 * stored offsets as `timestamptz` ones do.
 *
 * @example
 * ```ts
 * const task = new PostgresSourceTask();
 * await task.start(taskConfig, { offsetStorageReader });
 * const records = await task.poll();
 * await task.stop();
 * ```
 */

import pg from 'pg';
import type { SourceMap, SourceRecord, SourceTask, SourceTaskContext } from '../../api/source.ts';
import { clientConfig, isRetriableConnectFailure, isTransient } from '../../sinks/postgres/connection.ts';
import { KstError } from '../../../common/errors.ts';
import { parsePostgresSourceConfig, type PostgresSourceSettings } from './config.ts';
import { buildQuery, fromOffsetMap, tableRef, toOffsetMap, TS_MICROS_COLUMN, type QueryOffset, type TableRef } from './query.ts';
import { rowSchema, rowValue } from './rows.ts';

interface TableState {
  readonly ref: TableRef;
  readonly topic: string;
  readonly partition: SourceMap;
  offset: QueryOffset;
  nextPollAt: number;
}

const DATE_OID = 1082;

export class PostgresSourceTask implements SourceTask {
  #settings: PostgresSourceSettings | null = null;
  #config: pg.ClientConfig = {};
  #tables: TableState[] = [];
  #client: pg.Client | null = null;
  #stopped = false;
  #wake: (() => void) | null = null;
  #inFlight: Promise<unknown> = Promise.resolve();

  async start(config: Readonly<Record<string, string>>, context: SourceTaskContext): Promise<void> {
    const settings = parsePostgresSourceConfig(config);
    this.#settings = settings;
    const base = clientConfig({ connectionUrl: settings.connectionUrl, user: settings.user, password: settings.password, connectionTimeoutMs: 10_000 });
    this.#config = {
      ...base,
      application_name: 'kstreams-postgres-source',
      options: '-c TimeZone=UTC',
      // Dates stay text: a JavaScript Date would move them to the local midnight.
      types: { getTypeParser: ((oid: number, format?: 'text' | 'binary') => (oid === DATE_OID ? (value: string) => value : pg.types.getTypeParser(oid, format ?? 'text'))) as typeof pg.types.getTypeParser },
    };
    const database = typeof base.database === 'string' ? base.database : 'postgres';
    this.#tables = settings.tables.map((name) => {
      const ref = tableRef(name, settings.schema);
      // Confluent's offset protocol 1: the table's fully qualified name.
      const partition = { protocol: '1', table: `${database}.${ref.schema}.${ref.table}` };
      const stored = fromOffsetMap(context.offsetStorageReader.offset(partition));
      const initial: QueryOffset = settings.timestampInitialMs === null ? {} : { timestampMicros: BigInt(settings.timestampInitialMs) * 1000n };
      return { ref, topic: `${settings.topicPrefix}${ref.table}`, partition, offset: { ...initial, ...stored }, nextPollAt: 0 };
    });
  }

  async poll(): Promise<readonly SourceRecord[]> {
    const settings = this.#settings as PostgresSourceSettings;
    // The table due first; the worker gets control back after each wait and each query.
    const table = this.#tables.reduce<TableState | undefined>((first, t) => (first === undefined || t.nextPollAt < first.nextPollAt ? t : first), undefined);
    if (table === undefined || this.#stopped) return [];
    const wait = table.nextPollAt - Date.now();
    if (wait > 0) {
      await this.#sleep(wait);
      return [];
    }
    const query = this.#query(table);
    this.#inFlight = query.catch(() => undefined);
    const records = await query;
    table.nextPollAt = Date.now() + (records.length >= settings.batchMaxRows && settings.mode !== 'bulk' ? 0 : settings.pollIntervalMs);
    return records;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#wake?.();
    await this.#inFlight;
    const client = this.#client;
    this.#client = null;
    await client?.end().catch(() => undefined);
  }

  /** One poll of one table; the table's offset moves past the rows returned. */
  async #query(table: TableState): Promise<SourceRecord[]> {
    const s = this.#settings as PostgresSourceSettings;
    const spec = { mode: s.mode, incrementingColumn: s.incrementingColumn, timestampColumns: s.timestampColumns, delayMs: s.timestampDelayMs, limit: s.batchMaxRows };
    const { text, values } = buildQuery(table.ref, spec, table.offset);
    const result = await this.#withRetries(`polling ${table.ref.schema}.${table.ref.table}`, (client) => client.query({ text, values }));
    let rows = result.rows as Array<Record<string, unknown>>;
    // Timestamp mode has nothing to tell rows of one timestamp apart: a batch that a limit
    // cut in the middle of such rows gives the cut ones back to the next poll.
    if (s.mode === 'timestamp' && rows.length >= s.batchMaxRows) {
      const last = rows.at(-1)?.[TS_MICROS_COLUMN];
      const kept = rows.filter((row) => row[TS_MICROS_COLUMN] !== last);
      if (kept.length > 0) rows = kept;
    }
    const schema = rowSchema(table.ref.table, result.fields);
    return rows.map((row) => {
      if (s.mode !== 'bulk') table.offset = nextOffset(s, table.offset, row);
      return {
        sourcePartition: table.partition,
        sourceOffset: toOffsetMap(table.offset),
        topic: table.topic,
        keySchema: null,
        key: null,
        valueSchema: schema,
        value: rowValue(schema, row),
      };
    });
  }

  async #withRetries<T>(purpose: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
    const s = this.#settings as PostgresSourceSettings;
    for (let attempt = 1; ; attempt++) {
      let connecting = true;
      try {
        const client = await this.#connect();
        connecting = false;
        return await work(client);
      } catch (error) {
        if (!(connecting ? isRetriableConnectFailure(error) : isTransient(error))) {
          throw new KstError('KST_SOURCE_QUERY_FAILED', `${purpose}: ${(error as Error).message}`, { attempts: attempt }, { cause: error });
        }
        this.#discard();
        if (attempt >= s.connectionAttempts || this.#stopped) {
          throw new KstError('KST_SOURCE_QUERY_FAILED', `${purpose}: PostgreSQL unreachable after ${attempt} attempts: ${(error as Error).message}`, { attempts: attempt }, { cause: error });
        }
        await this.#sleep(s.connectionBackoffMs);
      }
    }
  }

  async #connect(): Promise<pg.Client> {
    if (this.#client !== null) return this.#client;
    const client = new pg.Client(this.#config);
    // Without a listener a connection dropped while idle would crash the process.
    client.on('error', () => {
      if (this.#client === client) this.#client = null;
    });
    try {
      await client.connect();
    } catch (error) {
      void client.end().catch(() => undefined);
      throw error;
    }
    this.#client = client;
    return client;
  }

  #discard(): void {
    const client = this.#client;
    this.#client = null;
    if (client !== null) void client.end().catch(() => undefined);
  }

  /** Waits `ms`, or less when `stop` is called. */
  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.#wake = done;
    });
  }
}

/** The offset after `row`: its incrementing value and timestamp, as the mode reads them. */
function nextOffset(s: PostgresSourceSettings, current: QueryOffset, row: Readonly<Record<string, unknown>>): QueryOffset {
  const out: { incrementing?: bigint; timestampMicros?: bigint } = { ...current };
  if (s.mode === 'incrementing' || s.mode === 'timestamp+incrementing') {
    const value = row[s.incrementingColumn];
    if (value === null || value === undefined) throw new KstError('KST_SOURCE_QUERY_FAILED', `Null value for incrementing column ${s.incrementingColumn}`, { column: s.incrementingColumn });
    out.incrementing = BigInt(String(value));
  }
  if (s.mode === 'timestamp' || s.mode === 'timestamp+incrementing') {
    const micros = row[TS_MICROS_COLUMN];
    if (micros === null || micros === undefined) throw new KstError('KST_SOURCE_QUERY_FAILED', `Null value for timestamp column(s) ${s.timestampColumns.join(', ')}`, { columns: s.timestampColumns });
    out.timestampMicros = BigInt(String(micros));
  }
  return out;
}
