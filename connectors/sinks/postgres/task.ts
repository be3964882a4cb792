/**
 * The PostgreSQL sink task, as Confluent's JDBC sink task: `put` writes what it is given
 * straight away, in chunks of `batch.size` records, one transaction each, so `flush`
 * has nothing left to do and the worker may commit the offsets. A chunk that meets a
 * connection error is rerun on a new connection (see `PostgresConnection`).
 *
 * @example
 * ```ts
 * const task = postgresSinkConnector.createTask();
 * await task.start({ 'connection.url': 'jdbc:postgresql://127.0.0.1:5432/kstreams', 'connection.user': 'postgres', 'connection.password': 'postgres', 'insert.mode': 'upsert', 'pk.mode': 'record_key', 'auto.create': 'true' }, context);
 * await task.put(records);
 * await task.flush(new Map());
 * await task.stop();
 * ```
 */

import type { SinkRecord } from '../../api/connect-record.ts';
import type { SinkTask, SinkTaskContext } from '../../api/sink.ts';
import { BatchWriter } from './batch-writer.ts';
import { parsePostgresSinkConfig, type PostgresSinkSettings } from './config.ts';
import { PostgresConnection } from './connection.ts';
import { RowMapper, type Row } from './rows.ts';
import { TableManager } from './tables.ts';
import { describeError, sinkError } from '../support/errors.ts';
import { isKstError } from '../../../common/errors.ts';

export class PostgresSinkTask implements SinkTask {
  private settings: PostgresSinkSettings | null = null;
  private connection: PostgresConnection | null = null;
  private mapper: RowMapper | null = null;
  private writer: BatchWriter | null = null;

  async start(config: Readonly<Record<string, string>>, _context: SinkTaskContext): Promise<void> {
    const settings = parsePostgresSinkConfig(config);
    this.settings = settings;
    this.connection = new PostgresConnection(settings);
    this.mapper = new RowMapper(settings);
    this.writer = new BatchWriter(settings, new TableManager(settings));
  }

  async put(records: readonly SinkRecord[]): Promise<void> {
    const { settings, connection, mapper, writer } = this.started();
    const rows: Row[] = [];
    for (const record of records) {
      const row = mapper.toRow(record);
      if (row !== null) rows.push(row);
    }
    for (let start = 0; start < rows.length; start += settings.batchSize) {
      const chunk = rows.slice(start, start + settings.batchSize);
      try {
        await connection.withRetries(`writing ${chunk.length} records`, (client) => writer.write(client, chunk));
      } catch (error) {
        if (isKstError(error)) throw error;
        throw sinkError('KST_SINK_WRITE_FAILED', `writing ${chunk.length} records failed: ${describeError(error)}`, { code: (error as { code?: unknown }).code }, error);
      }
    }
  }

  /** Every `put` is already committed in PostgreSQL. */
  async flush(_offsets: ReadonlyMap<string, bigint>): Promise<void> {
    this.started();
  }

  async stop(): Promise<void> {
    await this.connection?.close();
    this.connection = null;
  }

  private started(): { settings: PostgresSinkSettings; connection: PostgresConnection; mapper: RowMapper; writer: BatchWriter } {
    if (this.settings === null || this.connection === null || this.mapper === null || this.writer === null) {
      throw sinkError('KST_ILLEGAL_STATE_TRANSITION', 'the PostgreSQL sink task was used before start() or after stop()');
    }
    return { settings: this.settings, connection: this.connection, mapper: this.mapper, writer: this.writer };
  }
}
