/**
 * One end-to-end run of the saga against the real stack: the platform launcher starts 2
 * processes of every service on topics of their own; the run creates the customers and
 * products, waits until the services know them, sends the 1,000 planned orders (cancels
 * and restocks woven in), optionally SIGKILLs one process of each service part-way and
 * restarts it on its state, waits until every order is final, then waits (bounded) for
 * the eventually consistent figures to settle and returns what is still wrong.
 *
 * The chaos test runs it smaller and slower on a broker of its own, supervised (the
 * launcher restarts crashed processes), with a `chaos` driver running beside the orders.
 */

import { createHash } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KafkaAdmin } from '../../../../processors/kafka/index.ts';
import { murmur2 } from '../../../../processors/kafka/murmur2.ts';
import { RegistryClient } from '../../../../schemas/registry/registry-client.ts';
import { endpoints, loadStackConfig } from '../../../../scripts/stack/config.ts';
import type { ServiceProcess } from '../../../../scripts/platform/service-process.ts';
import { SagaServices } from '../../../../topologies/ecommerce/contracts/stores.ts';
import { Platform } from '../../../../scripts/platform/services.ts';
import type { OrderEvent } from '../../../../topologies/ecommerce/contracts/events.ts';
import { prefixedTopics } from '../../../../topologies/ecommerce/contracts/topics.ts';
import { applicationIdOf } from '../../../../topologies/ecommerce/run-service.ts';
import { createEcommerceSerdes } from '../../../../topologies/ecommerce/serdes.ts';
import { uniqueName } from '../../../support/names.ts';
import { clientConfig, readToEnd } from '../../streams/support/kafka-io.ts';
import { CommandSender } from './command-sender.ts';
import { groupLag } from './group-lag.ts';
import { readFinalState, type FinalState } from './final-state.ts';
import { OrderTracker } from './order-tracker.ts';
import { cancelStages, conservationProblems, judgeOrders } from './saga-checks.ts';
import { buildWorkload, type PlannedOrder } from './workload.ts';

export interface SagaRunOptions {
  /** SIGKILL process 1 of every service once this many orders are sent, and restart it. */
  readonly crashAfterOrders?: number;
  readonly log: (line: string) => void;
  /** Kafka of the run; default the local stack's. */
  readonly bootstrap?: string;
  /** Fraction of the 1,000-order workload (see `buildWorkload`); default 1. */
  readonly scale?: number;
  /** Orders sent together, and the pause after each batch: the rate. Default 25 and 100 ms. */
  readonly batch?: number;
  readonly batchPauseMs?: number;
  /** Service settings over the run's own. */
  readonly settings?: Readonly<Record<string, unknown>>;
  /** Run the platform supervised (the launcher restarts crashed processes), its lines going here. */
  readonly supervision?: (line: string) => void;
  /** Started once the first orders are sent, beside them; awaited before the end is checked. */
  readonly chaos?: (run: ChaosContext) => Promise<void>;
  /** How long the orders may take to be final once all are sent; default 150 s. */
  readonly finalTimeoutMs?: number;
}

/** What a chaos driver sees of a run. */
export interface ChaosContext {
  readonly platform: Platform;
  readonly admin: KafkaAdmin;
  readonly prefix: string;
  /** How many orders are final now (read_committed). */
  finalOrders(): number;
  /** Whether every order has been sent. */
  allSent(): boolean;
  readonly processes: readonly ServiceProcess[];
}

export interface SagaRunReport {
  readonly orders: number;
  readonly orderProblems: readonly string[];
  /** Of `orderProblems`, what no timing excuses: events written twice, transitions missing or out of order. */
  readonly integrityProblems: readonly string[];
  /** Of `orderProblems`, the orders that ended otherwise than planned (orderId → why). */
  readonly unplanned: ReadonlyMap<string, string>;
  /** Each order's final status as the tracker saw it. */
  readonly finalStatus: ReadonlyMap<string, string>;
  readonly conservationProblems: readonly string[];
  readonly cancelStages: Record<string, Record<string, number>>;
  readonly outcomes: Record<string, number>;
  readonly timings: Record<string, number>;
  readonly uncleanStops: readonly string[];
  /** Per output topic, records of transactions the crashes aborted (the crash run only). */
  readonly aborted: Record<string, number>;
  /**
   * What the run ended with, hashed: each order's final status (for velocity orders, how
   * many of each customer's ended which way, since which ones go past the limit depends
   * on timing), each product's figures, each balance. Equal across runs that ended alike.
   */
  readonly fingerprint: string;
}

const SETTINGS = {
  fraudMaxAmountCents: 1_000_000,
  velocityMaxOrders: 5,
};

/** The partition of the platform's 4-partition topics an order's records go to (string keys, the Java partitioner). */
const partitionOf = (orderId: string): number => (murmur2(Buffer.from(orderId)) & 0x7fffffff) % 4;

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function until(what: string, timeoutMs: number, done: () => Promise<boolean> | boolean, onWait?: () => void, diagnose?: () => Promise<string[]>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastNote = Date.now();
  while (!(await done())) {
    if (Date.now() > deadline) {
      const diagnosis = diagnose === undefined ? [] : await diagnose().catch((error: unknown) => [String(error)]);
      throw new Error([`${what}: not within ${timeoutMs} ms`, ...diagnosis].join('\n  '));
    }
    if (onWait !== undefined && Date.now() - lastNote > 5_000) {
      lastNote = Date.now();
      onWait();
    }
    await pause(250);
  }
}

export async function runSaga(options: SagaRunOptions): Promise<SagaRunReport> {
  const started = Date.now();
  const timings: Record<string, number> = {};
  const mark = (name: string): void => {
    timings[name] = Date.now() - started;
    options.log(`${(timings[name] / 1000).toFixed(1)}s ${name}`);
  };
  const shared = endpoints(loadStackConfig());
  const stack = { ...shared, kafkaBootstrap: options.bootstrap ?? shared.kafkaBootstrap };
  const BATCH = options.batch ?? 25;
  const BATCH_PAUSE_MS = options.batchPauseMs ?? 100;
  const prefix = `${uniqueName('e2e-saga')}-`;
  const root = join(tmpdir(), prefix);
  const settings = {
    'bootstrap.servers': stack.kafkaBootstrap,
    'schema.registry.url': stack.registryUrl,
    'topic.prefix': prefix,
    'topic.partitions': 4,
    // Transactions long enough, and output sent early enough, that a SIGKILL lands in one
    // that has already written records: what exactly-once must then hide and redo.
    'commit.interval.ms': 300,
    'producer.batch.records': 10,
    'session.timeout.ms': 10_000,
    'heartbeat.interval.ms': 1_000,
    // Long enough that no order expires while a crashed process's tasks move; the expiry scenario sets its own.
    'order.deadline.ms': 90_000,
    'order.deadline.check.interval.ms': 200,
    // Dispatch waits long enough for a cancel sent at PAID to land, even across a crash.
    'shipping.dispatch.delay.ms': 8_000,
    'shipping.delivery.delay.ms': 1_000,
    'shipping.courier.interval.ms': 250,
    'fraud.pool.threads': 1,
    'fraud.score.iterations': 200,
    'fraud.max.amount.cents': SETTINGS.fraudMaxAmountCents,
    'fraud.velocity.window.ms': 600_000,
    'fraud.velocity.max.orders': SETTINGS.velocityMaxOrders,
    ...options.settings,
  };
  const workload = buildWorkload(SETTINGS, options.scale);
  const topics = prefixedTopics(prefix);
  const client = clientConfig(stack.kafkaBootstrap, 'e2e-saga');
  // Unsupervised unless asked: the crash scenario crashes and restarts processes itself.
  const supervise = options.supervision !== undefined;
  // Twelve processes closing at once (commits, stores, standbys) on a loaded 2-core machine take tens of seconds.
  const platform = await Platform.start(
    { instances: 2, services: SagaServices, 'state.dir': join(root, 'state'), 'log.dir': join(root, 'logs'), 'query.base.port': 0, supervise, 'stop.timeout.ms': 90_000 },
    settings,
    options.supervision === undefined ? {} : { print: options.supervision },
  );
  mark(`platform running: ${platform.processes.length} processes, logs in ${join(root, 'logs')}`);
  const admin = new KafkaAdmin(client);
  const serdes = await createEcommerceSerdes(new RegistryClient({ url: stack.registryUrl, clientId: 'e2e-saga' }), topics).catch(async (error: unknown) => {
    await platform.stop();
    throw error;
  });
  const sender = new CommandSender(client, topics, serdes);
  const planned = new Map(workload.orders.map((o) => [o.orderId, o]));
  const reactTo: Partial<Record<PlannedOrder['scenario'], OrderEvent['type']>> = { cancelReserved: 'OrderReserved', cancelPaid: 'OrderPaid', cancelShipped: 'OrderShipped' };
  const tracker = new OrderTracker(client, topics.orderEvents, serdes, (event) => {
    const order = planned.get(event.orderId);
    if (order !== undefined && reactTo[order.scenario] === event.type) sender.cancelOrder(order.orderId, order.customerId, `e2e cancel at ${event.status}`);
  });
  let flushing = true;
  const reactions = (async () => {
    while (flushing) {
      // A failed flush keeps its commands queued: the next one sends them.
      await sender.flush().catch((error: unknown) => options.log(`sending the cancels failed, trying again: ${String(error)}`));
      await pause(50);
    }
  })();
  let restarts: Promise<unknown> = Promise.resolve();
  let chaos: Promise<unknown> = Promise.resolve();
  let allSent = false;
  let state: FinalState | undefined;
  let problems: { orders: string[]; integrity: string[]; unplanned: ReadonlyMap<string, string>; conservation: string[] } | undefined;
  let uncleanStops: string[];
  const aborted: Record<string, number> = {};
  try {
    tracker.start();
    for (const c of workload.customers) {
      sender.createCustomer(c.customerId);
      sender.deposit(c.customerId, c.depositCents);
    }
    for (const p of workload.products) sender.upsertProduct(p.productId, p.initialStock, p.priceCents);
    await sender.flush();
    const lag = (): Promise<string[]> => groupLag(admin, client, prefix, SagaServices);
    const sources = { client, admin, topics, serdes, paymentApplicationId: applicationIdOf('payment', { 'topic.prefix': prefix }) };
    await until('customers and products known to the services', 90_000, async () => {
      const setup = await readFinalState(sources);
      return workload.customers.every((c) => setup.balances.get(c.customerId) === c.depositCents)
        && workload.products.every((p) => setup.products.get(p.productId)?.available === p.initialStock);
    }, undefined, lag);
    mark(`${workload.customers.length} customers and ${workload.products.length} products set up`);

    for (let sent = 0; sent < workload.orders.length; sent += BATCH) {
      for (const order of workload.orders.slice(sent, sent + BATCH)) {
        sender.createOrder(order.orderId, order.customerId, order.items, order.deadlineMs);
        if (order.scenario === 'cancelPending') sender.cancelOrder(order.orderId, order.customerId, 'e2e cancel at PENDING');
      }
      const upTo = sent + BATCH;
      for (const r of workload.restocks) if (r.afterOrders >= sent && r.afterOrders < upTo) sender.upsertProduct(r.productId, r.quantity);
      await sender.flush();
      tracker.check();
      if (sent === 0 && options.chaos !== undefined) {
        const ids = workload.orders.map((o) => o.orderId);
        chaos = options.chaos({ platform, admin, prefix, processes: platform.processes, finalOrders: () => tracker.finalCount(ids), allSent: () => allSent });
        // Seen at once if it fails early; awaited (and rethrown) below.
        chaos.catch((error: unknown) => options.log(`chaos failed: ${String(error)}`));
      }
      if (options.crashAfterOrders !== undefined && options.crashAfterOrders >= sent && options.crashAfterOrders < upTo) {
        await Promise.all(SagaServices.map((s) => platform.crash(s, 1)));
        mark(`SIGKILLed ${SagaServices.map((s) => platform.process(s, 1).name).join(', ')} after ${upTo} orders (${tracker.finalCount(workload.orders.map((o) => o.orderId))} final)`);
        restarts = Promise.all(SagaServices.map((s) => platform.restart(s, 1))).then(() => mark('restarted processes RUNNING again'));
      }
      await pause(BATCH_PAUSE_MS);
    }
    allSent = true;
    mark(`${workload.orders.length} orders sent`);
    const ids = workload.orders.map((o) => o.orderId);
    const shippedCancels = workload.orders.filter((o) => o.scenario === 'cancelShipped').map((o) => o.orderId);
    await until('every order final', options.finalTimeoutMs ?? 150_000, () => {
      tracker.check();
      // A shipped order's cancel must have been refused; one that never shipped (it ended otherwise) got none.
      return tracker.finalCount(ids) === ids.length && shippedCancels.every((id) => (tracker.refusals.get(id) ?? []).length > 0 || tracker.status(id) !== 'COMPLETED');
    }, () => options.log(`  ${tracker.finalCount(ids)}/${ids.length} orders final`), async () => {
      const waiting = workload.orders.filter((o) => tracker.finalCount([o.orderId]) === 0).slice(0, 20);
      return [...waiting.map((o) => `${o.orderId} (${o.scenario}, partition ${partitionOf(o.orderId)}) not final: ${tracker.status(o.orderId) ?? 'no event'}`), ...(await lag())];
    });
    mark('every order final');
    await restarts;
    await chaos;
    // Compensations (releases, refunds) and notifications may still be on their way: settle, bounded.
    const settleBy = Date.now() + 45_000;
    for (;;) {
      state = await readFinalState(sources);
      const verdicts = judgeOrders(workload, state.orderEvents);
      problems = { orders: [...verdicts.integrity, ...verdicts.unplanned.values()], integrity: [...verdicts.integrity], unplanned: verdicts.unplanned, conservation: conservationProblems(workload, state) };
      // Every order is final: what is left to settle is the integrity and conservation figures.
      if ((problems.integrity.length === 0 && problems.conservation.length === 0) || Date.now() > settleBy) break;
      await pause(1_000);
    }
    mark(`checked: ${problems.orders.length} order problems, ${problems.conservation.length} conservation problems`);
    if (options.crashAfterOrders !== undefined || options.chaos !== undefined) {
      // Evidence that the SIGKILLs hit open transactions that had written output: records read_committed hides.
      for (const topic of [topics.orderEvents, topics.inventoryEvents, topics.paymentEvents, topics.notifications]) {
        const all = await readToEnd(client, topic, 4, 60_000, 'read_uncommitted');
        const committed = await readToEnd(client, topic, 4, 60_000, 'read_committed');
        aborted[topic.slice(prefix.length)] = all.records.length - committed.records.length;
      }
      mark(`records in aborted transactions: ${JSON.stringify(aborted)}`);
    }
  } finally {
    flushing = false;
    await reactions.catch(() => undefined);
    await tracker.stop().catch(() => undefined);
    await sender.close().catch(() => undefined);
    await restarts.catch(() => undefined);
    await chaos.catch(() => undefined);
    uncleanStops = await platform.stop();
    mark(`platform stopped${uncleanStops.length === 0 ? '' : `; not cleanly: ${uncleanStops.join(', ')}`}`);
    // Topics stay behind too when what they hold is wrong (see OwnBroker.close's keepHome).
    const wrong = problems === undefined || problems.integrity.length > 0 || problems.conservation.length > 0;
    const mine = (await admin.listTopics().catch(() => [])).filter((t) => t.startsWith(prefix));
    if (wrong) options.log(`kept the topics of this run (prefix ${prefix}) for the post-mortem`);
    else await admin.deleteTopics(mine, { ifExists: true }).catch((error: unknown) => options.log(`deleting topics failed: ${String(error)}`));
    await admin.close().catch(() => undefined);
  }
  // Logs and state stay behind when something is wrong, for the post-mortem.
  if (problems?.orders.length === 0 && problems.conservation.length === 0 && uncleanStops.length === 0) await rm(root, { recursive: true, force: true });
  const outcomes: Record<string, number> = {};
  for (const order of workload.orders) {
    const status = state === undefined ? 'unknown' : (tracker.status(order.orderId) ?? 'none');
    outcomes[`${order.scenario}→${status}`] = (outcomes[`${order.scenario}→${status}`] ?? 0) + 1;
  }
  const ended: string[] = [];
  for (const order of workload.orders) {
    const status = tracker.status(order.orderId) ?? 'none';
    ended.push(order.scenario === 'velocity' ? `${order.customerId}:${status}` : `${order.orderId}:${status}`);
  }
  ended.sort();
  const figures = state === undefined ? [] : [...state.products].sort(([a], [b]) => a.localeCompare(b));
  const balances = state === undefined ? [] : [...state.balances].sort(([a], [b]) => a.localeCompare(b));
  const fingerprint = createHash('sha256').update(JSON.stringify({ ended, figures, balances })).digest('hex').slice(0, 16);
  return {
    fingerprint,
    aborted,
    orders: workload.orders.length,
    orderProblems: problems?.orders ?? ['not checked'],
    integrityProblems: problems?.integrity ?? ['not checked'],
    unplanned: problems?.unplanned ?? new Map(workload.orders.map((o) => [o.orderId, 'not checked'])),
    finalStatus: new Map(workload.orders.map((o) => [o.orderId, tracker.status(o.orderId) ?? 'none'])),
    conservationProblems: problems?.conservation ?? ['not checked'],
    cancelStages: cancelStages(workload, state?.orderEvents ?? []),
    outcomes,
    timings,
    uncleanStops,
  };
}
