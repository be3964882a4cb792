/**
 * A small streams application for the gateway's query tests, standing in for the order
 * service: it materialises `orders` (orderId → OrderView) from a test topic of order views
 * and, optionally, `customer-orders` (customerId → orderIds) from it and `customers`
 * (customerId → CustomerView) from a second topic, each instance beside its own gRPC query
 * server whose endpoint is its `application.server`.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KafkaStreams } from '../../../processors/client/index.ts';
import { QueryServer } from '../../../gateway/grpc/query-server.ts';
import { Serdes } from '../../../schemas/serdes/serdes.ts';
import { Consumed, Grouped, Materialized, StreamsBuilder, keyValue, type Topology } from '../../../processors/dsl/index.ts';
import { Stores } from '../../../topologies/ecommerce/contracts/stores.ts';
import type { CustomerView, OrderStatus, OrderView } from '../../../topologies/ecommerce/contracts/views.ts';
import { createTokenVerifier } from '../../../gateway/auth/jwt.ts';
import { bootstrap } from '../../processors/client/helpers.ts';

const S = Serdes.String();

export function ordersTopology(input: string, options: { readonly customerOrders?: boolean; readonly customersTopic?: string } = {}): Topology {
  const builder = new StreamsBuilder();
  if (options.customersTopic !== undefined) builder.table(options.customersTopic, Consumed.with(S, Serdes.JSON<CustomerView>()), Materialized.as<string, CustomerView>(Stores.customers));
  const orders = builder.table(input, Consumed.with(S, Serdes.JSON<OrderView>()), Materialized.as<string, OrderView>(Stores.orders));
  if (options.customerOrders === true) {
    orders
      .groupBy((orderId, view) => keyValue(view.customerId, orderId), Grouped.with(S, S))
      .aggregate<string[]>(
        () => [],
        (_customer, orderId, ids) => (ids.includes(orderId) ? ids : [...ids, orderId]),
        (_customer, orderId, ids) => ids.filter((id) => id !== orderId),
        Materialized.as<string, string[]>(Stores.customerOrders).withKeySerde(S).withValueSerde(Serdes.JSON<string[]>()),
      );
  }
  return builder.build();
}

/** An order whose history holds `statuses` in order, one second apart. */
export function orderView(orderId: string, customerId: string, statuses: readonly OrderStatus[]): OrderView {
  const history = statuses.map((status, i) => ({ status, atMs: 1_767_225_600_000 + i * 1000, ...(status === 'CANCELLED' ? { reason: 'asked' } : {}) }));
  const last = history[history.length - 1] ?? { status: 'PENDING' as const, atMs: 1_767_225_600_000 };
  return {
    orderId,
    customerId,
    status: last.status,
    items: [{ productId: 'p-1', quantity: 2, unitPriceCents: 450 }],
    totalCents: 900,
    createdAtMs: 1_767_225_600_000,
    updatedAtMs: last.atMs,
    history,
  };
}

export const orderRecord = (topic: string, view: OrderView) => ({ topic, key: Buffer.from(view.orderId), value: Buffer.from(JSON.stringify(view)) });

export const customerRecord = (topic: string, view: CustomerView) => ({ topic, key: Buffer.from(view.customerId), value: Buffer.from(JSON.stringify(view)) });

export interface AppInstance {
  readonly streams: KafkaStreams;
  readonly server: QueryServer;
  close(): Promise<void>;
}

/** One instance: its query server bound first (port 0), then the streams client naming it. */
export interface InstanceOptions {
  /** HS256 secret the query server verifies callers' tokens with; none: every call is accepted. */
  readonly secret?: string;
  readonly watchMaxPerCaller?: number;
}

export async function startInstance(topology: Topology, applicationId: string, options: InstanceOptions = {}): Promise<AppInstance> {
  const dir = mkdtempSync(join(tmpdir(), 'kst-gateway-test-'));
  const server = await QueryServer.listen({
    watchPollMs: 50,
    ...(options.secret === undefined ? {} : { verify: createTokenVerifier({ secret: options.secret, maxLifetimeS: 3_600 }) }),
    ...(options.watchMaxPerCaller === undefined ? {} : { watchMaxPerCaller: options.watchMaxPerCaller }),
  });
  const streams = new KafkaStreams(topology, {
    'application.id': applicationId,
    'bootstrap.servers': bootstrap(),
    'state.dir': dir,
    'application.server': server.endpoint,
    'commit.interval.ms': 100,
    'session.timeout.ms': 10_000,
    'heartbeat.interval.ms': 500,
  });
  server.serve(streams);
  await streams.start();
  return {
    streams,
    server,
    async close() {
      await server.close(200);
      await streams.close({ timeoutMs: 30_000 });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
