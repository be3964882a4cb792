/**
 * The task's one PostgreSQL connection: built from a JDBC or postgres:// URL, opened
 * lazily, thrown away on a connection error, and `withRetries` re-running a unit of
 * work on a fresh connection after `retry.backoff.ms`, up to `max.retries` times, so a
 * restarted or briefly unreachable server is survived without losing the batch.
 *
 * @example
 * ```ts
 * const connection = new PostgresConnection(settings);
 * await connection.withRetries('write batch', (client) => client.query('SELECT 1'));
 * await connection.close();
 * ```
 */

import pg from 'pg';
import type { PostgresSinkSettings } from './config.ts';
import { describeError, sinkError, sleep } from '../support/errors.ts';
import { KstError } from '../../../common/errors.ts';

export type PgClient = pg.Client;

/** Connection settings from `connection.url` (JDBC or libpq style) and the user/password keys. */
export function clientConfig(settings: Pick<PostgresSinkSettings, 'connectionUrl' | 'user' | 'password' | 'connectionTimeoutMs'>): pg.ClientConfig {
  let url: URL;
  try {
    url = new URL(settings.connectionUrl.replace(/^jdbc:/, ''));
  } catch (error) {
    throw new KstError('KST_CONFIG_INVALID', `config "connection.url" is not a URL (got ${JSON.stringify(settings.connectionUrl)})`, { key: 'connection.url' }, { cause: error });
  }
  if (!['postgresql:', 'postgres:'].includes(url.protocol)) {
    throw new KstError('KST_CONFIG_INVALID', `config "connection.url" must be jdbc:postgresql://… or postgres://… (got ${JSON.stringify(settings.connectionUrl)})`, { key: 'connection.url' });
  }
  const param = (name: string): string | undefined => url.searchParams.get(name) ?? undefined;
  const user = settings.user ?? (url.username === '' ? param('user') : decodeURIComponent(url.username));
  const password = settings.password ?? (url.password === '' ? param('password') : decodeURIComponent(url.password));
  const sslmode = param('sslmode') ?? (param('ssl') === 'true' ? 'require' : undefined);
  return {
    host: url.hostname === '' ? '127.0.0.1' : url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port === '' ? 5432 : Number(url.port),
    database: decodeURIComponent(url.pathname.replace(/^\//, '')) || 'postgres',
    ...(user === undefined ? {} : { user }),
    ...(password === undefined ? {} : { password }),
    ...(sslmode === undefined || sslmode === 'disable' ? {} : { ssl: { rejectUnauthorized: sslmode === 'verify-full' || sslmode === 'verify-ca' } }),
    connectionTimeoutMillis: settings.connectionTimeoutMs,
    application_name: 'kstreams-postgres-sink',
  };
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ECONNABORTED']);

/**
 * Errors worth a retry: network failures, SQLSTATE class 08 (connection exception),
 * the server shutting down or starting (57P01–57P03), too many connections (53300),
 * and deadlocks or serialization failures (40P01, 40001), which a rerun resolves.
 */
export function isTransient(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || code.startsWith('08') || ['57P01', '57P02', '57P03', '53300', '40P01', '40001'].includes(code))) return true;
  const message = (error as { message?: unknown }).message;
  return typeof message === 'string' && /Connection terminated|connection error|not queryable|timeout expired|Client was closed/i.test(message);
}

/**
 * Whether a failure to open a connection is worth a retry: every one except a refused
 * login (SQLSTATE class 28) or a missing database (3D000), which no retry cures. A server
 * that is stopping or starting fails logins in more ways than `isTransient` knows (a SCRAM
 * exchange cut off half-way has no code at all), and Connect's JDBC sink retries them all.
 */
export function isRetriableConnectFailure(error: unknown): boolean {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return !(typeof code === 'string' && (code.startsWith('28') || code === '3D000'));
}

export class PostgresConnection {
  private readonly settings: PostgresSinkSettings;
  private readonly config: pg.ClientConfig;
  private client: pg.Client | null = null;
  private stopped = false;

  constructor(settings: PostgresSinkSettings) {
    this.settings = settings;
    this.config = clientConfig(settings);
  }

  private async connect(): Promise<pg.Client> {
    if (this.client !== null) return this.client;
    const client = new pg.Client(this.config);
    // Without a listener a connection dropped while idle would crash the process.
    client.on('error', () => {
      if (this.client === client) this.client = null;
    });
    try {
      await client.connect();
    } catch (error) {
      void client.end().catch(() => undefined);
      throw error;
    }
    this.client = client;
    return client;
  }

  private discard(): void {
    const client = this.client;
    this.client = null;
    if (client !== null) void client.end().catch(() => undefined);
  }

  /** Runs `work` on a live connection; on a transient error, reconnects and reruns it. */
  async withRetries<T>(purpose: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt += 1) {
      let connecting = true;
      try {
        const client = await this.connect();
        connecting = false;
        return await work(client);
      } catch (error) {
        if (!(connecting ? isRetriableConnectFailure(error) : isTransient(error))) throw error;
        this.discard();
        if (attempt >= this.settings.maxRetries || this.stopped) {
          throw sinkError('KST_SINK_CONNECTION_FAILED', `${purpose}: PostgreSQL unreachable after ${attempt + 1} attempts: ${describeError(error)}`, { attempts: attempt + 1 }, error);
        }
        await sleep(this.settings.retryBackoffMs);
      }
    }
  }

  async close(): Promise<void> {
    this.stopped = true;
    const client = this.client;
    this.client = null;
    if (client !== null) await client.end().catch(() => undefined);
  }
}
