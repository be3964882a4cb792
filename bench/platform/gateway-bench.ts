/**
 * Gateway requests per second. Set-up, all real: the platform topics under a fresh prefix,
 * one inventory service instance with its gRPC query server (`gateway/service-main.ts
 * inventory`), `products` products seeded through Kafka and awaited until the gateway
 * answers them, then the gateway (`gateway/main.ts`, Kafka producer and schema registry
 * real, rate limits lifted) as its own process.
 *
 * Two routes, each driven by the closed-loop generator of `load.ts` from this process:
 * - `POST /orders`: valid orders from 1 000 customers (one token each, so JWT checks are
 *   real), each with a distinct Idempotency-Key, so every request produces a command that
 *   the broker acknowledges before the 202 (no order service runs: the commands just land);
 * - `GET /products/:id`: cycling through the seeded products, each answered by the
 *   inventory instance over gRPC from its store.
 */

import { setTimeout as sleep } from 'node:timers/promises';
import { signToken } from '../../gateway/auth/jwt.ts';
import type { UpsertProduct } from '../../topologies/ecommerce/contracts/commands.ts';
import { ensurePlatformTopics } from '../../topologies/ecommerce/run-service.ts';
import { ecommerceServiceConfig } from '../../topologies/ecommerce/service-config.ts';
import { BenchChild } from './child.ts';
import { BenchKafka } from './kafka-io.ts';
import { closedLoop, type LoadResult } from './load.ts';
import type { PlatformBenchSettings } from './settings.ts';

export const BENCH_JWT_SECRET = 'bench-platform-secret-0123456789';
const CUSTOMERS = 1_000;

export interface RunDirs {
  readonly runId: string;
  readonly stateDir: string;
  readonly logDir: string;
}

/** Starts `gateway/main.ts` on a free port with the bench's secret and lifted rate limits. */
export async function startGatewayChild(settings: PlatformBenchSettings, prefix: string, env: Record<string, string>, logDir: string, name = 'gateway'): Promise<{ child: BenchChild; url: string }> {
  const child = await BenchChild.start(name, ['gateway/main.ts'], {
    GATEWAY_HTTP_PORT: '0',
    GATEWAY_JWT_SECRET: BENCH_JWT_SECRET,
    GATEWAY_TOPIC_PREFIX: prefix,
    GATEWAY_KAFKA_BOOTSTRAP_SERVERS: settings['bootstrap.servers'],
    GATEWAY_REGISTRY_URL: settings['registry.url'],
    // One bucket per caller would throttle a load generator; the limiter's own cost stays in the figures.
    GATEWAY_RATE_LIMIT_BURST: '100000000',
    GATEWAY_RATE_LIMIT_PER_SECOND: '100000000',
    GATEWAY_LOG_LEVEL: 'warn',
    ...env,
  }, /gateway listening on (\S+)/, logDir);
  return { child, url: child.match?.[1] as string };
}

/** A bearer header valid for an hour, the gateway's default maximum token lifetime. */
export const bearer = async (sub: string, role: 'customer' | 'admin'): Promise<string> => `Bearer ${await signToken({ sub, role, lifetimeS: 3_600 }, BENCH_JWT_SECRET)}`;

export async function runGatewayBench(settings: PlatformBenchSettings, dirs: RunDirs, say: (line: string) => void): Promise<LoadResult[]> {
  const prefix = `bench-gw-${dirs.runId}.`;
  await ensurePlatformTopics(ecommerceServiceConfig.parse({ 'bootstrap.servers': settings['bootstrap.servers'], 'topic.prefix': prefix, 'topic.partitions': settings.partitions }));
  const children: BenchChild[] = [];
  const kafka = await BenchKafka.create({ bootstrap: settings['bootstrap.servers'], registryUrl: settings['registry.url'], prefix });
  try {
    say('gateway case: starting an inventory instance with its query server');
    const inventory = await BenchChild.start('inventory', ['gateway/service-main.ts', 'inventory'], {
      ECOMMERCE_TOPIC_PREFIX: prefix,
      ECOMMERCE_BOOTSTRAP_SERVERS: settings['bootstrap.servers'],
      ECOMMERCE_SCHEMA_REGISTRY_URL: settings['registry.url'],
      ECOMMERCE_TOPIC_PARTITIONS: String(settings.partitions),
      ECOMMERCE_STATE_DIR: `${dirs.stateDir}/gateway-case`,
      QUERY_GRPC_PORT: '0',
    }, /started, queries on (\S+)/, dirs.logDir);
    children.push(inventory);
    const endpoint = inventory.match?.[1] as string;
    const products = Array.from({ length: settings.products }, (_, i) => `p-${i}`);
    const now = Date.now();
    await kafka.send(kafka.topics.inventoryCommands, kafka.serdes.inventoryCommand, products.map((productId, i): readonly [string, UpsertProduct] => [productId, {
      type: 'UpsertProduct', commandId: `seed-${productId}`, issuedAtMs: now, productId, name: `Product ${i}`, priceCents: 100 + i, restockQuantity: 1_000_000,
    }]));
    say(`gateway case: ${products.length} products seeded; starting the gateway`);
    const gateway = await startGatewayChild(settings, prefix, { GATEWAY_INVENTORY_QUERY_ENDPOINTS: endpoint }, dirs.logDir);
    children.push(gateway.child);
    const admin = await bearer('bench-admin', 'admin');
    // The last product visible means the inventory instance restored and processed them all (one partition order does not hold across partitions, so check every one).
    for (const productId of products) {
      for (let tries = 0; ; tries++) {
        const response = await fetch(`${gateway.url}/products/${productId}`, { headers: { authorization: admin } });
        await response.text();
        if (response.status === 200) break;
        if (tries > 600) throw new Error(`GET /products/${productId} still answers ${response.status} after 60 s\n${inventory.tail()}`);
        await sleep(100);
      }
    }

    const tokens = await Promise.all(Array.from({ length: CUSTOMERS }, (_, i) => bearer(`bench-c-${i}`, 'customer')));
    const durationMs = settings['gateway.seconds'] * 1000;
    const connections = settings['gateway.connections'];
    say(`gateway case: POST /orders, ${connections} connections, ${settings['gateway.seconds']} s`);
    const post = await closedLoop({
      origin: gateway.url, route: 'POST /orders', connections, durationMs,
      request: (i) => ({
        method: 'POST',
        path: '/orders',
        headers: { authorization: tokens[i % CUSTOMERS] as string, 'content-type': 'application/json', 'idempotency-key': `${dirs.runId}-${i}` },
        body: JSON.stringify({ items: [{ productId: products[i % products.length], quantity: 1 + (i % 3), unitPriceCents: 100 + (i % products.length) }] }),
      }),
    });
    say(`gateway case: GET /products/:id, ${connections} connections, ${settings['gateway.seconds']} s`);
    const get = await closedLoop({
      origin: gateway.url, route: 'GET /products/:id', connections, durationMs,
      request: (i) => ({ method: 'GET', path: `/products/${products[i % products.length]}`, headers: { authorization: tokens[i % CUSTOMERS] as string } }),
    });
    return [post, get];
  } finally {
    await Promise.all(children.reverse().map((c) => c.stop()));
    await kafka.close();
  }
}
