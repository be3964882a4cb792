/**
 * The demo's settings: one schema, read from `DEMO_*` variables and `--key=value` flags
 * (a flag wins over a variable), validated once before anything is sent; a bad value stops
 * the demo with `KST_CONFIG_INVALID` naming the key and its variable.
 *
 * The JWT secret defaults to {@link DEV_JWT_SECRET}, the secret the platform launcher gives
 * the gateway in development, so `npm start` then `npm run demo` needs no setting at all.
 *
 * @example
 * ```ts
 * const config = parseDemoConfig(['--orders=50', '--rate=5'], process.env);
 * config.orders; // 50
 * ```
 */

import { defineConfig, integer, oneOf, string, type ConfigOf, type Field } from '../../common/config.ts';
import { KstError } from '../../common/errors.ts';
import { DEV_JWT_SECRET } from '../../gateway/auth/settings.ts';

/**
 * The development JWT secret shared by the platform launcher (which starts the gateway
 * with it) and the demo (which signs its tokens with it). Public: the gateway accepts it
 * on loopback only.
 */
export { DEV_JWT_SECRET };

export const DEMO_ENV_PREFIX = 'DEMO';

/** A fraction from 0 to 1 (the schema's `integer` cannot say 0.15). */
function share(doc: string, fallback: number): Field<number> {
  return Object.freeze({
    kind: 'number from 0 to 1',
    doc,
    default: fallback,
    convert: (raw: unknown, key: string): number => {
      const value = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN;
      if (!Number.isFinite(value) || value < 0 || value > 1) throw new KstError('KST_CONFIG_INVALID', `config "${key}" must be a number from 0 to 1 (got ${JSON.stringify(raw)})`, { key, value: raw });
      return value;
    },
  });
}

const fields = {
  'gateway.url': string({ default: 'http://127.0.0.1:8080', pattern: /^https?:\/\/[^\s/]+\/?$/, doc: 'Base URL of the platform\'s HTTP gateway.' }),
  'jwt.secret': string({ default: DEV_JWT_SECRET, pattern: /^.{16,}$/, doc: 'HS256 secret the demo signs its customer and admin tokens with; the gateway\'s GATEWAY_JWT_SECRET.' }),
  orders: integer({ default: 300, min: 1, max: 100_000, doc: 'Orders to place.' }),
  customers: integer({ default: 100, min: 2, max: 100_000, doc: 'Customers to create (each with a deposit); some are too poor for their orders.' }),
  products: integer({ default: 20, min: 2, max: 10_000, doc: 'Products to create and restock; a few are left sold out.' }),
  rate: integer({ default: 10, min: 1, max: 10_000, doc: 'Orders placed per second.' }),
  'share.out.of.stock': share('Share of orders for a sold-out product (half of them also with an item in stock).', 0.15),
  'share.too.expensive': share('Share of orders by a customer whose balance cannot pay them.', 0.1),
  'share.cancelled': share('Share of orders cancelled shortly after they appear (they may be too far along to cancel).', 0.1),
  'share.poor.customers': share('Share of customers who deposit too little for any order.', 0.2),
  seed: integer({ default: 1, min: 0, doc: 'Seed of the pseudo-random workload: the same seed plans the same orders.' }),
  'run.id': string({ default: 'auto', pattern: /^[A-Za-z0-9-]{1,40}$/, doc: 'Put in every customer, product and Idempotency-Key of this run; `auto` picks one from the clock so runs do not collide.' }),
  connections: integer({ default: 16, min: 1, max: 1_000, doc: 'HTTP connections to the gateway.' }),
  'poll.interval.ms': integer({ default: 500, min: 50, doc: 'How often an unsettled order is read (GET /orders/:id).' }),
  'setup.timeout.ms': integer({ default: 120_000, min: 1_000, doc: 'How long customers and products may take to become visible before orders are placed.' }),
  'settle.timeout.ms': integer({ default: 180_000, min: 1_000, doc: 'How long, after the last order is placed, orders may take to reach a final status.' }),
  'request.timeout.ms': integer({ default: 10_000, min: 100, doc: 'Timeout of one HTTP request.' }),
  progress: oneOf(['auto', 'bar', 'lines'] as const, { default: 'auto', doc: 'A redrawn bar (bar), a line every few seconds (lines), or bar on a terminal and lines otherwise (auto).' }),
};

export const demoConfig = defineConfig(fields);

export type DemoConfig = ConfigOf<typeof fields>;

/** `--key=value` flags as config keys (`--poll-interval-ms=200` is `poll.interval.ms`). */
export function flagsToInput(argv: readonly string[]): Record<string, string> {
  const input: Record<string, string> = {};
  const byLoose = new Map(Object.keys(fields).map((key) => [key.replace(/[.-]/g, ''), key]));
  for (const arg of argv) {
    const match = /^--([A-Za-z.-]+)=(.*)$/.exec(arg);
    const key = match === null ? undefined : byLoose.get((match[1] as string).replace(/[.-]/g, '').toLowerCase());
    if (match === null || key === undefined) {
      throw new KstError('KST_CONFIG_INVALID', `unknown argument ${JSON.stringify(arg)}; flags are --<key>=<value> with keys ${Object.keys(fields).join(', ')}`, { key: arg, value: arg });
    }
    input[key] = match[2] as string;
  }
  return input;
}

/** Reads the environment, then the flags over it; throws `KST_CONFIG_INVALID` naming the key. */
export function parseDemoConfig(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): DemoConfig {
  return demoConfig.fromEnv(env, DEMO_ENV_PREFIX, flagsToInput(argv));
}

/** The run id: the configured one, or one from the clock (base 36, short enough for ids). */
export function resolveRunId(config: DemoConfig, nowMs: number = Date.now()): string {
  return config['run.id'] === 'auto' ? `d${nowMs.toString(36)}` : config['run.id'];
}
