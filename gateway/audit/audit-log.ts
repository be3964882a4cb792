/**
 * Reads the audit log: the `audit_log` table the `audit-postgres` sink connector appends
 * every command and event to (`scripts/start/read-models.ts`): one row per record, its
 * value as jsonb (`record`), its timestamp, and (`kafka_topic`, `kafka_partition`,
 * `kafka_offset`) as the primary key. `byOrder` answers the records that name an order
 * (`record->>'orderId'`, through an expression index it creates once the table exists) in
 * the order they happened: by their own time (`atMs` of an event, `issuedAtMs` of a
 * command), then by Kafka timestamp and position. Kafka timestamps alone would not do:
 * a stream processor's output inherits its input's timestamp (as in Kafka Streams), so a
 * whole saga's events carry the command's.
 *
 * The one place outside `connectors/` that talks to PostgreSQL (lint allows `pg` in
 * `gateway/audit/` only): the gateway reads, the sink alone writes.
 *
 * @example
 * ```ts
 * const audit = new AuditLog({ url: 'postgres://postgres:postgres@127.0.0.1:5432/kstreams', table: 'audit_log' });
 * const entries = await audit.byOrder('o-1'); // [{ topic: 'orders.commands', partition: 0, offset: 12, timestampMs, record: { type: 'CreateOrder', … } }, …]
 * await audit.close();
 * ```
 */

import pg from 'pg';
import { KstError } from '../../common/errors.ts';

export interface AuditEntry {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  /** The record's Kafka timestamp, ms since the epoch. */
  readonly timestampMs: number | null;
  /** The command or event as the sink stored it. */
  readonly record: Readonly<Record<string, unknown>>;
}

/** What the route needs; `AuditLog` is the real one. */
export interface AuditReader {
  byOrder(orderId: string): Promise<AuditEntry[]>;
}

export interface AuditLogOptions {
  /** postgres://user:password@host:port/database */
  readonly url: string;
  readonly table: string;
  /** Most rows one answer holds. Default 1 000. */
  readonly maxRows?: number;
}

const UNDEFINED_TABLE = '42P01';
const quote = (name: string): string => `"${name.replaceAll('"', '""')}"`;

export class AuditLog implements AuditReader {
  readonly #pool: pg.Pool;
  readonly #table: string;
  readonly #maxRows: number;
  #indexed = false;

  constructor(options: AuditLogOptions) {
    this.#pool = new pg.Pool({ connectionString: options.url, max: 4, connectionTimeoutMillis: 5_000, idleTimeoutMillis: 30_000 });
    // An idle client that loses its server must not take the gateway down.
    this.#pool.on('error', () => undefined);
    this.#table = options.table;
    this.#maxRows = options.maxRows ?? 1_000;
  }

  async #ensureIndex(): Promise<void> {
    if (this.#indexed) return;
    await this.#pool.query(`CREATE INDEX IF NOT EXISTS ${quote(`${this.#table}_order_id`)} ON ${quote(this.#table)} ((record->>'orderId'))`);
    this.#indexed = true;
  }

  async byOrder(orderId: string): Promise<AuditEntry[]> {
    try {
      await this.#ensureIndex();
      const result = await this.#pool.query<{ kafka_topic: string; kafka_partition: number; kafka_offset: string; timestamp_ms: string | null; record: Record<string, unknown> }>(
        `SELECT kafka_topic, kafka_partition, kafka_offset, (extract(epoch FROM kafka_timestamp) * 1000)::bigint AS timestamp_ms, record
           FROM ${quote(this.#table)} WHERE record->>'orderId' = $1
           ORDER BY COALESCE(record->>'atMs', record->>'issuedAtMs')::bigint NULLS LAST, kafka_timestamp, kafka_topic, kafka_partition, kafka_offset LIMIT $2`,
        [orderId, this.#maxRows],
      );
      return result.rows.map((row) => ({
        topic: row.kafka_topic,
        partition: Number(row.kafka_partition),
        offset: Number(row.kafka_offset),
        timestampMs: row.timestamp_ms === null ? null : Number(row.timestamp_ms),
        record: row.record,
      }));
    } catch (error) {
      // No table yet: the sink has written nothing, so nothing is recorded for any order.
      if ((error as { code?: unknown }).code === UNDEFINED_TABLE) return [];
      throw new KstError('KST_GATEWAY_AUDIT_UNAVAILABLE', `the audit log could not be read: ${error instanceof Error ? error.message : String(error)}`, { table: this.#table, retryAfterMs: 2_000 }, { cause: error });
    }
  }

  close(): Promise<void> {
    return this.#pool.end();
  }
}
