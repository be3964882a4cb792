/**
 * Some e-commerce services (one process each, on their own topics) and a gateway in front
 * of them, as the end-to-end tests through HTTP need them: the gateway's query endpoints
 * are the processes hosting each store, the platform stops (and its folder goes) when the
 * test ends. `call` sends a request and reads its JSON answer; `waitFor` polls one until
 * it says what the test waits for.
 *
 * @example
 * ```ts
 * const { call } = await startGatewayPlatform(t, { label: 'carts', services: ['cart', 'order', 'inventory'], secret });
 * const cart = await waitFor('the cart', () => call<CartView>('GET', '/carts/c-1', carol), (a) => a.status === 200);
 * ```
 */

import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { gatewayConfig } from '../../../../gateway/config.ts';
import { startGateway } from '../../../../gateway/gateway.ts';
import { Platform } from '../../../../scripts/platform/services.ts';
import { endpoints, loadStackConfig } from '../../../../scripts/stack/config.ts';
import { StoreHosts, type ServiceName } from '../../../../topologies/ecommerce/contracts/stores.ts';
import { uniqueName } from '../../../support/names.ts';

export type Answer<T> = { readonly status: number; readonly body: T };

export interface GatewayPlatform {
  readonly platform: Platform;
  readonly prefix: string;
  readonly gatewayUrl: string;
  call<T>(method: string, path: string, authorization: string, body?: object): Promise<Answer<T>>;
}

export interface GatewayPlatformOptions {
  /** Names the topics (`e2e-<label>-…`) and the log lines of processes that did not stop cleanly. */
  readonly label: string;
  readonly services: readonly ServiceName[];
  /** The gateway's JWT secret (tests sign their callers' tokens with it). */
  readonly secret: string;
  /** Service settings on top of the defaults here (2 partitions, a light fraud score, 90 s order deadline). */
  readonly settings?: Readonly<Record<string, unknown>>;
}

export async function startGatewayPlatform(t: TestContext, options: GatewayPlatformOptions): Promise<GatewayPlatform> {
  const stack = endpoints(loadStackConfig());
  const prefix = `${uniqueName(`e2e-${options.label}`)}-`;
  const root = join(tmpdir(), prefix);
  const platform = await Platform.start({ instances: 1, services: options.services, 'state.dir': join(root, 'state'), 'log.dir': join(root, 'logs'), 'query.base.port': 0 }, {
    'bootstrap.servers': stack.kafkaBootstrap,
    'schema.registry.url': stack.registryUrl,
    'topic.prefix': prefix,
    'topic.partitions': 2,
    'session.timeout.ms': 10_000,
    'heartbeat.interval.ms': 1_000,
    'fraud.pool.threads': 0,
    'fraud.score.iterations': 10,
    'order.deadline.ms': 90_000,
    ...options.settings,
  });
  const hosts = (service: ServiceName): string => platform.processes.filter((p) => p.service === service).map((p) => p.endpoint).join(',');
  const running = (service: ServiceName): boolean => options.services.includes(service);
  const gateway = await startGateway(gatewayConfig.parse({
    'http.port': 0,
    'jwt.secret': options.secret,
    'topic.prefix': prefix,
    'kafka.bootstrap.servers': stack.kafkaBootstrap,
    'registry.url': stack.registryUrl,
    'order.query.endpoints': hosts(StoreHosts.orders),
    'inventory.query.endpoints': hosts(StoreHosts.products),
    'customer.query.endpoints': hosts(StoreHosts.customers),
    ...(running(StoreHosts.carts) ? { 'cart.query.endpoints': hosts(StoreHosts.carts) } : {}),
    ...(running(StoreHosts.salesByProduct) ? { 'analytics.query.endpoints': hosts(StoreHosts.salesByProduct) } : {}),
  }), { logger: false }).catch(async (error: unknown) => {
    await platform.stop();
    throw error;
  });
  t.after(async () => {
    await gateway.close();
    const unclean = await platform.stop();
    if (unclean.length === 0) await rm(root, { recursive: true, force: true });
    else console.log(`[${options.label}] processes that did not stop cleanly: ${unclean.join(', ')}; logs in ${join(root, 'logs')}`);
  });

  const call = async <T>(method: string, path: string, authorization: string, body?: object): Promise<Answer<T>> => {
    const response = await fetch(`${gateway.url}${path}`, {
      method,
      headers: { authorization, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: (text === '' ? {} : JSON.parse(text)) as T };
  };
  return { platform, prefix, gatewayUrl: gateway.url, call };
}

/** Polls `read` every 200 ms until `done`; fails naming `what` and the last answer. */
export async function waitFor<T>(what: string, read: () => Promise<Answer<T>>, done: (answer: Answer<T>) => boolean, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: Answer<T> | undefined;
  for (;;) {
    last = await read();
    if (done(last)) return last.body;
    if (Date.now() > deadline) assert.fail(`${what}: not within ${timeoutMs} ms; last answer ${last.status} ${JSON.stringify(last.body)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
