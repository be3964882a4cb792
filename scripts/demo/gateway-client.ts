/**
 * The demo's HTTP client of the gateway: a pool of keep-alive connections (undici), a
 * bearer token per caller signed with the configured secret, JSON in and out, and the
 * retries a well-behaved client makes: after 429 it waits as long as `Retry-After` says,
 * after 503 (a query during a rebalance, Kafka briefly away) it backs off, and a dropped
 * connection is retried. Writes carry an Idempotency-Key, so a retried write is one command.
 *
 * A gateway that cannot be reached at all is `KST_DEMO_GATEWAY_UNREACHABLE` with what to
 * do; an answer the demo did not expect is `KST_DEMO_REQUEST_FAILED` with the gateway's
 * own message.
 *
 * @example
 * ```ts
 * const client = new DemoGatewayClient({ baseUrl: 'http://127.0.0.1:8080', secret, connections: 16, requestTimeoutMs: 10_000 });
 * await client.checkReachable();
 * const { status, body } = await client.send('GET', '/orders/o-1', { as: customer('c-1'), accept: [200, 404] });
 * ```
 */

import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import { KstError } from '../../common/errors.ts';
import { signToken, type Role } from '../../gateway/auth/jwt.ts';

export interface Caller {
  readonly subject: string;
  readonly role: Role;
}

export const customer = (customerId: string): Caller => ({ subject: customerId, role: 'customer' });
export const ADMIN: Caller = { subject: 'demo-admin', role: 'admin' };

export interface SendOptions {
  readonly as: Caller;
  readonly body?: object;
  readonly idempotencyKey?: string;
  /** Statuses that are answers rather than failures; others throw `KST_DEMO_REQUEST_FAILED`. */
  readonly accept: readonly number[];
  /** Retry a 503 (default true); a poller that asks again anyway says false and accepts 503. */
  readonly retryUnavailable?: boolean;
}

export interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

export interface DemoGatewayClientOptions {
  readonly baseUrl: string;
  readonly secret: string;
  readonly connections: number;
  readonly requestTimeoutMs: number;
}

const TOKEN_LIFETIME_S = 600;
const MAX_ATTEMPTS = 8;
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CLOSED']);

function networkCode(error: unknown): string | undefined {
  for (let e: unknown = error; e !== null && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return code;
  }
  return undefined;
}

export class DemoGatewayClient {
  readonly baseUrl: string;
  /** Requests sent again after a 429, a 503 or a dropped connection. */
  retries = 0;
  readonly #pool: Pool;
  readonly #options: DemoGatewayClientOptions;
  readonly #tokens = new Map<string, { readonly token: Promise<string>; readonly renewAtMs: number }>();

  constructor(options: DemoGatewayClientOptions) {
    this.#options = options;
    this.baseUrl = options.baseUrl.replace(/\/$/, '');
    this.#pool = new Pool(this.baseUrl, { connections: options.connections, headersTimeout: options.requestTimeoutMs, bodyTimeout: options.requestTimeoutMs, connectTimeout: Math.min(options.requestTimeoutMs, 5_000) });
  }

  /** GET /health once; a refused or timed-out connection says how to start the platform. */
  async checkReachable(): Promise<void> {
    let status: number;
    try {
      const response = await this.#pool.request({ method: 'GET', path: '/health' });
      status = response.statusCode;
      await response.body.text();
    } catch (error) {
      throw this.#unreachable(error);
    }
    if (status !== 200) throw new KstError('KST_DEMO_GATEWAY_UNREACHABLE', `${this.baseUrl}/health answered ${status}: is this the platform's gateway? Set DEMO_GATEWAY_URL (or --gateway-url=) to its address`, { url: this.baseUrl, status });
  }

  async send(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, options: SendOptions): Promise<Answer> {
    const headers: Record<string, string> = { authorization: `Bearer ${await this.#token(options.as)}` };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (options.idempotencyKey !== undefined) headers['idempotency-key'] = options.idempotencyKey;
    const body = options.body === undefined ? null : JSON.stringify(options.body);
    for (let attempt = 1; ; attempt++) {
      let status: number;
      let text: string;
      let retryAfter: string | string[] | undefined;
      try {
        const response = await this.#pool.request({ method, path, headers, body });
        status = response.statusCode;
        retryAfter = response.headers['retry-after'];
        text = await response.body.text();
      } catch (error) {
        const code = networkCode(error);
        if (code === undefined) throw error;
        if (attempt >= MAX_ATTEMPTS) throw this.#unreachable(error);
        this.retries += 1;
        await sleep(Math.min(2_000, 100 * 2 ** attempt));
        continue;
      }
      if ((status === 429 || (status === 503 && options.retryUnavailable !== false)) && attempt < MAX_ATTEMPTS) {
        this.retries += 1;
        const seconds = Number(Array.isArray(retryAfter) ? retryAfter[0] : retryAfter);
        await sleep(Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds * 1000, 10_000) : Math.min(2_000, 100 * 2 ** attempt));
        continue;
      }
      const parsed = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
      if (!options.accept.includes(status)) {
        const given = typeof parsed['message'] === 'string' ? parsed['message'] : text.slice(0, 200);
        const message = status === 401 ? `${given}; the demo signs its tokens with DEMO_JWT_SECRET (default: the development secret), which must be the gateway's GATEWAY_JWT_SECRET` : given;
        throw new KstError('KST_DEMO_REQUEST_FAILED', `${method} ${path} answered ${status}: ${message}`, { method, path, status, code: parsed['code'] });
      }
      return { status, body: parsed };
    }
  }

  close(): Promise<void> {
    return this.#pool.close();
  }

  /** A token per caller, signed again when half its lifetime has passed (the gateway bounds lifetimes). */
  #token(caller: Caller): Promise<string> {
    const key = `${caller.role}:${caller.subject}`;
    const now = Date.now();
    let entry = this.#tokens.get(key);
    if (entry === undefined || now >= entry.renewAtMs) {
      entry = { token: signToken({ sub: caller.subject, role: caller.role, lifetimeS: TOKEN_LIFETIME_S }, this.#options.secret), renewAtMs: now + (TOKEN_LIFETIME_S * 1000) / 2 };
      this.#tokens.set(key, entry);
    }
    return entry.token;
  }

  #unreachable(error: unknown): KstError {
    const code = networkCode(error) ?? (error instanceof Error ? error.message : String(error));
    return new KstError('KST_DEMO_GATEWAY_UNREACHABLE', `the gateway at ${this.baseUrl} is not reachable (${code}). Start the platform first (npm start), or point the demo at it with DEMO_GATEWAY_URL or --gateway-url=`, { url: this.baseUrl, reason: code }, { cause: error });
  }
}
