/**
 * Saga throughput and latency under exactly-once. The six services run as separate
 * processes, started by the platform launcher (`scripts/platform/`) under a fresh topic
 * prefix, with `exactly_once_v2` (their default), the simulated courier's delays at 0 and
 * its scan every 100 ms, the fraud velocity rule lifted (one customer may order without
 * limit) and step deadlines at 10 minutes, so every order should complete.
 *
 * 1. Seed customers (created, a large deposit) and products (large stock) as commands on
 *    Kafka; wait until their events show.
 * 2. Warm-up: 100 orders, awaited to their final state.
 * 3. Throughput: `orders` CreateOrder commands produced as fast as the producer goes; the
 *    figure is orders / (time from the first send to the arrival of the last final order
 *    event, read read_committed).
 * 4. Latency: at `latency.percent` % of that rate (or at `latency.rate` orders/s), orders POSTed through the gateway (its
 *    own process) on a fixed schedule for `latency.seconds`; each latency runs from the
 *    start of its POST to the arrival of its final order event.
 */

import { setTimeout as sleep } from 'node:timers/promises';
import { Platform } from '../../scripts/platform/services.ts';
import { percentile } from '../../scripts/demo/outcome.ts';
import type { CreateOrder, CustomerCommand, UpsertProduct } from '../../topologies/ecommerce/contracts/commands.ts';
import { isOrderTransition } from '../../topologies/ecommerce/contracts/events.ts';
import { FinalOrderStatuses, type OrderStatus } from '../../topologies/ecommerce/contracts/views.ts';
import type { BenchChild } from './child.ts';
import { bearer, startGatewayChild, type RunDirs } from './gateway-bench.ts';
import { BenchKafka } from './kafka-io.ts';
import { openLoop } from './load.ts';
import type { PlatformBenchSettings } from './settings.ts';

export interface SagaResult {
  readonly serviceSettings: Record<string, unknown>;
  readonly instances: number;
  readonly throughput: { readonly orders: number; readonly seconds: number; readonly ordersPerSecond: number; readonly produceSeconds: number; readonly statuses: Record<string, number> };
  readonly latency: { readonly stages: readonly Stage[]; readonly p50FirstThirdMs: number; readonly p50LastThirdMs: number; readonly targetRate: number; readonly achievedRate: number; readonly posted: number; readonly accepted: number; readonly settled: number; readonly p50Ms: number; readonly p99Ms: number; readonly maxMs: number; readonly lateStarts: number; readonly statuses: Record<string, number> };
}

interface Final {
  readonly status: OrderStatus;
  readonly arrivedAtMs: number;
}

const tally = (values: readonly string[]): Record<string, number> => {
  const counts: Record<string, number> = {};
  for (const v of values) counts[v] = (counts[v] ?? 0) + 1;
  return counts;
};

export interface Stage {
  readonly stage: string;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

/**
 * Where an order's time goes: from the POST to each transition the order service made
 * (its events' `atMs`, same host clock), and from COMPLETED to the event's arrival at a
 * read_committed reader (the last commit). Completed orders only.
 */
function stageBreakdown(ids: readonly string[], posted: ReadonlyMap<string, number>, transitions: ReadonlyMap<string, Partial<Record<OrderStatus, number>>>, finals: ReadonlyMap<string, Final>): Stage[] {
  const steps: Array<[string, (id: string, t: Partial<Record<OrderStatus, number>>) => number | undefined]> = [
    ['POST → PENDING', (id, t) => (t.PENDING === undefined ? undefined : t.PENDING - (posted.get(id) as number))],
    ['POST → PAID', (id, t) => (t.PAID === undefined ? undefined : t.PAID - (posted.get(id) as number))],
    ['PENDING → RESERVED', (_id, t) => (t.RESERVED === undefined || t.PENDING === undefined ? undefined : t.RESERVED - t.PENDING)],
    ['RESERVED → PAID', (_id, t) => (t.PAID === undefined || t.RESERVED === undefined ? undefined : t.PAID - t.RESERVED)],
    ['PAID → SHIPPED', (_id, t) => (t.SHIPPED === undefined || t.PAID === undefined ? undefined : t.SHIPPED - t.PAID)],
    ['SHIPPED → COMPLETED', (_id, t) => (t.COMPLETED === undefined || t.SHIPPED === undefined ? undefined : t.COMPLETED - t.SHIPPED)],
    ['COMPLETED → read', (id, t) => (t.COMPLETED === undefined ? undefined : (finals.get(id)?.arrivedAtMs ?? Number.NaN) - t.COMPLETED)],
  ];
  return steps.map(([stage, of]) => {
    const values = ids.flatMap((id) => {
      const value = of(id, transitions.get(id) ?? {});
      return value === undefined || Number.isNaN(value) ? [] : [value];
    });
    return { stage, p50Ms: percentile(values, 50), p99Ms: percentile(values, 99) };
  });
}

async function waitFor(what: string, done: () => boolean, timeoutMs: number, progress?: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastSaid = Date.now();
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${progress === undefined ? '' : `: ${progress()}`}`);
    if (progress !== undefined && Date.now() - lastSaid > 10_000) {
      console.log(`[bench]   … ${what}: ${progress()}`);
      lastSaid = Date.now();
    }
    await sleep(20);
  }
}

export async function runSagaBench(settings: PlatformBenchSettings, dirs: RunDirs, say: (line: string) => void): Promise<SagaResult> {
  const prefix = `bench-saga-${dirs.runId}.`;
  const serviceSettings = {
    'bootstrap.servers': settings['bootstrap.servers'],
    'schema.registry.url': settings['registry.url'],
    'topic.prefix': prefix,
    'topic.partitions': settings.partitions,
    'processing.guarantee': 'exactly_once_v2',
    'shipping.dispatch.delay.ms': 0,
    'shipping.delivery.delay.ms': 0,
    'shipping.courier.interval.ms': 100,
    'fraud.velocity.max.orders': 1_000_000,
    'order.deadline.ms': 600_000,
  };
  say(`saga case: starting ${settings.instances} process(es) of each service (prefix ${prefix})`);
  const platform = await Platform.start({
    instances: settings.instances,
    // Each process binds a free port for its query server; the benchmark reads Kafka, not the stores.
    'query.base.port': 0,
    'state.dir': `${dirs.stateDir}/saga-case`,
    'log.dir': dirs.logDir,
  }, serviceSettings);
  const kafka = await BenchKafka.create({ bootstrap: settings['bootstrap.servers'], registryUrl: settings['registry.url'], prefix });
  const finals = new Map<string, Final>();
  /** When the order service made each transition (the events' atMs), per order. */
  const transitions = new Map<string, Partial<Record<OrderStatus, number>>>();
  let deposits = 0;
  let productsSeen = 0;
  const readers = [
    kafka.read(kafka.topics.orderEvents, kafka.serdes.orderEvent, (orderId, event, arrivedAtMs) => {
      if (!isOrderTransition(event)) return;
      const seen = transitions.get(orderId) ?? {};
      seen[event.status] ??= event.atMs;
      transitions.set(orderId, seen);
      if (FinalOrderStatuses.has(event.status) && !finals.has(orderId)) finals.set(orderId, { status: event.status, arrivedAtMs });
    }),
    kafka.read(kafka.topics.customerEvents, kafka.serdes.customerEvent, (_key, event) => {
      if (event.type === 'Deposited') deposits += 1;
    }),
    kafka.read(kafka.topics.inventoryEvents, kafka.serdes.inventoryEvent, (_key, event) => {
      if (event.type === 'ProductUpdated') productsSeen += 1;
    }),
  ];
  let gateway: BenchChild | undefined;
  try {
    const now = Date.now();
    const customers = Array.from({ length: settings.customers }, (_, i) => `c-${i}`);
    const products = Array.from({ length: settings.products }, (_, i) => `p-${i}`);
    await kafka.send(kafka.topics.customerCommands, kafka.serdes.customerCommand, customers.flatMap((customerId): Array<readonly [string, CustomerCommand]> => [
      [customerId, { type: 'CreateCustomer', commandId: `${customerId}-create`, issuedAtMs: now, customerId, name: customerId, email: `${customerId}@bench.example` }],
      [customerId, { type: 'Deposit', commandId: `${customerId}-deposit`, issuedAtMs: now, customerId, amountCents: 1_000_000_000 }],
    ]));
    await kafka.send(kafka.topics.inventoryCommands, kafka.serdes.inventoryCommand, products.map((productId, i): readonly [string, UpsertProduct] => [productId, {
      type: 'UpsertProduct', commandId: `${productId}-seed`, issuedAtMs: now, productId, name: `Product ${i}`, priceCents: 100 + i, restockQuantity: 100_000_000,
    }]));
    await waitFor('the seeded customers and products', () => deposits >= customers.length && productsSeen >= products.length, 180_000, () => `${deposits} deposits, ${productsSeen} products`);

    let sequence = 0;
    const order = (tag: string): readonly [string, CreateOrder] => {
      const i = sequence++;
      const orderId = `${tag}-${i}`;
      // No unit prices: the catalog's are charged (a quoted price that differs would reject the order).
      const items = [{ productId: products[i % products.length] as string, quantity: 1 }];
      if (i % 2 === 0) items.push({ productId: products[(i * 7 + 3) % products.length] as string, quantity: 2 });
      // Two items must name two products; with one product the second is dropped.
      const distinct = items.filter((item, j) => items.findIndex((other) => other.productId === item.productId) === j);
      return [orderId, { type: 'CreateOrder', commandId: `${orderId}-create`, issuedAtMs: Date.now(), orderId, customerId: customers[i % customers.length] as string, items: distinct }];
    };
    const push = async (tag: string, count: number): Promise<string[]> => {
      const commands = Array.from({ length: count }, () => order(tag));
      await kafka.send(kafka.topics.orderCommands, kafka.serdes.orderCommand, commands);
      return commands.map(([id]) => id);
    };
    const settled = (ids: readonly string[]) => () => ids.every((id) => finals.has(id));
    const settledCount = (ids: readonly string[]) => () => `${ids.filter((id) => finals.has(id)).length}/${ids.length} final`;

    say('saga case: warm-up, 100 orders');
    const warm = await push(`${dirs.runId}-warm`, 100);
    await waitFor('the warm-up orders', settled(warm), settings['settle.timeout.ms'], settledCount(warm));
    say(`saga case: warm-up ended ${JSON.stringify(tally(warm.map((id) => finals.get(id)?.status ?? '?')))}; pushing ${settings.orders} orders at once`);

    const start = Date.now();
    const ids = await push(`${dirs.runId}-bulk`, settings.orders);
    const produceSeconds = (Date.now() - start) / 1000;
    await waitFor('the bulk orders', settled(ids), settings['settle.timeout.ms'], settledCount(ids));
    const end = Math.max(...ids.map((id) => finals.get(id)?.arrivedAtMs ?? 0));
    const seconds = (end - start) / 1000;
    const throughput = { orders: ids.length, seconds, ordersPerSecond: Math.round((ids.length / seconds) * 10) / 10, produceSeconds, statuses: tally(ids.map((id) => finals.get(id)?.status ?? '?')) };
    say(`saga case: ${throughput.ordersPerSecond} orders/s (${ids.length} in ${seconds.toFixed(1)} s) ${JSON.stringify(throughput.statuses)}`);

    const targetRate = settings['latency.rate'] > 0 ? settings['latency.rate'] : Math.max(1, Math.floor((throughput.ordersPerSecond * settings['latency.percent']) / 100));
    const started = await startGatewayChild(settings, prefix, {}, dirs.logDir, 'saga-gateway');
    gateway = started.child;
    const tokens = await Promise.all(customers.map((customerId) => bearer(customerId, 'customer')));
    say(`saga case: POST /orders through the gateway at ${targetRate}/s for ${settings['latency.seconds']} s`);
    const posted = new Map<string, number>();
    const run = await openLoop({
      origin: started.url,
      connections: 64,
      rate: targetRate,
      durationMs: settings['latency.seconds'] * 1000,
      request: (i) => {
        const [, command] = order(`${dirs.runId}-gw`);
        return {
          method: 'POST', path: '/orders',
          headers: { authorization: tokens[i % tokens.length] as string, 'content-type': 'application/json', 'idempotency-key': `${dirs.runId}-gw-${i}` },
          body: JSON.stringify({ items: command.items }),
        };
      },
      onAnswer: (sent) => {
        if (sent.status === 202) posted.set(String((JSON.parse(sent.body) as { orderId: string }).orderId), sent.startedAtMs);
      },
    });
    const accepted = [...posted.keys()];
    await waitFor('the gateway orders', settled(accepted), settings['settle.timeout.ms'], settledCount(accepted)).catch((error: unknown) => say(String(error)));
    const latencies = accepted.flatMap((id) => {
      const final = finals.get(id);
      return final === undefined ? [] : [final.arrivedAtMs - (posted.get(id) as number)];
    });
    // A latency that grows from the first third of the run to the last means a queue was building: the rate was not sustainable.
    const byPostTime = accepted.filter((id) => finals.has(id)).sort((a, b) => (posted.get(a) as number) - (posted.get(b) as number));
    const third = Math.floor(byPostTime.length / 3);
    const p50Of = (ids: readonly string[]): number => percentile(ids.map((id) => (finals.get(id) as Final).arrivedAtMs - (posted.get(id) as number)), 50);
    const latency = {
      p50FirstThirdMs: p50Of(byPostTime.slice(0, third)),
      p50LastThirdMs: p50Of(byPostTime.slice(byPostTime.length - third)),
      targetRate,
      achievedRate: Math.round((run.sent.length / run.seconds) * 10) / 10,
      posted: run.sent.length,
      accepted: accepted.length,
      settled: latencies.length,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      maxMs: latencies.length === 0 ? Number.NaN : Math.max(...latencies),
      lateStarts: run.lateStarts,
      statuses: tally(accepted.map((id) => finals.get(id)?.status ?? 'UNSETTLED')),
      stages: stageBreakdown(accepted, posted, transitions, finals),
    };
    say(`saga case: latency p50 ${latency.p50Ms} ms, p99 ${latency.p99Ms} ms (${latency.settled}/${latency.posted} settled, HTTP ${JSON.stringify(tally(run.sent.map((s) => String(s.status))))})`);
    return { serviceSettings, instances: settings.instances, throughput, latency };
  } finally {
    await gateway?.stop();
    for (const reader of readers) await reader.close().catch((error: unknown) => say(`reader: ${String(error)}`));
    await kafka.close();
    const unclean = await platform.stop();
    if (unclean.length > 0) say(`saga case: ${unclean.join(', ')} did not stop cleanly (logs in ${dirs.logDir})`);
  }
}
