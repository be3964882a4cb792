/**
 * The end-to-end saga workload: customers, products, 1,000 orders and restocks, built so
 * that every order's final state is known in advance however the services interleave.
 * Each scenario gets its own customers and products, so orders only compete for stock
 * where the outcome does not depend on who wins:
 *
 * - `happy`, `cancelShipped`: stock covers every order of the set from the start
 *   (restocks only add), balances cover every order → COMPLETED;
 * - `outOfStock`: products with 1 unit, orders of 2 or more → REJECTED;
 * - `partlyInStock`: one line of a stocked product, one of a product with 0 units →
 *   REJECTED, the stocked line released;
 * - `unknownProduct`: a product nobody created → REJECTED;
 * - `insufficientBalance`: 1 € deposited, orders of 5 € or more → PAYMENT_FAILED;
 * - `fraudScore`: orders at `fraud.max.amount.cents` (score 1) → PAYMENT_FAILED `fraud: score`;
 * - `velocity`: 8 orders of one customer within the window, limit 5 → whichever come
 *   last, exactly 3 PAYMENT_FAILED `fraud: velocity`, 5 COMPLETED (same price and
 *   product, so stock and balances are still exact);
 * - `cancelPending` (cancel sent with the order), `cancelReserved`, `cancelPaid` (sent
 *   when the test sees that state) → CANCELLED; `cancelShipped` → cancel refused, COMPLETED;
 * - `expired`: `deadlineMs` 1, so each step's deadline passes before any answer can come
 *   (an answer needs at least two other services' transactions) → EXPIRED.
 */

import type { OrderItem } from '../../../../topologies/ecommerce/contracts/commands.ts';
import type { OrderStatus } from '../../../../topologies/ecommerce/contracts/views.ts';

export type Scenario =
  | 'happy' | 'outOfStock' | 'partlyInStock' | 'unknownProduct' | 'insufficientBalance' | 'fraudScore'
  | 'velocity' | 'cancelPending' | 'cancelReserved' | 'cancelPaid' | 'cancelShipped' | 'expired';

export interface PlannedOrder {
  readonly orderId: string;
  readonly customerId: string;
  readonly scenario: Scenario;
  readonly items: readonly OrderItem[];
  readonly totalCents: number;
  /** The final status; `velocity` orders end COMPLETED or PAYMENT_FAILED, counted per customer. */
  readonly expected: OrderStatus;
  /** What the final event's reason must match, when it says why. */
  readonly reason?: RegExp;
  readonly deadlineMs?: number;
}

export interface PlannedCustomer {
  readonly customerId: string;
  readonly depositCents: number;
}

export interface PlannedProduct {
  readonly productId: string;
  readonly priceCents: number;
  readonly initialStock: number;
}

export interface Restock {
  readonly productId: string;
  readonly quantity: number;
  /** Sent once this many orders have been sent. */
  readonly afterOrders: number;
}

export interface Workload {
  readonly customers: readonly PlannedCustomer[];
  readonly products: readonly PlannedProduct[];
  /** In sending order. */
  readonly orders: readonly PlannedOrder[];
  readonly restocks: readonly Restock[];
  readonly velocity: { readonly customers: readonly string[]; readonly perCustomer: number; readonly allowed: number };
}

export interface WorkloadSettings {
  readonly fraudMaxAmountCents: number;
  readonly velocityMaxOrders: number;
}

/** A small deterministic generator (LCG), so every run sends the same workload. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

const pad = (n: number, width = 4): string => String(n).padStart(width, '0');

/**
 * The workload; `scale` (default 1: 1,000 orders) shrinks every scenario alike, each
 * count rounded to whole customers, and the restock points with them.
 */
export function buildWorkload(settings: WorkloadSettings, scale = 1): Workload {
  const rnd = random(20_260_522);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)] as T;
  const between = (min: number, max: number): number => min + Math.floor(rnd() * (max - min + 1));
  const products = new Map<string, { priceCents: number; demand: number; extra: number }>();
  const product = (productId: string, priceCents: number, extra = 0): string => {
    if (!products.has(productId)) products.set(productId, { priceCents, demand: 0, extra });
    return productId;
  };
  // Every other line quotes the catalog price the customer saw; the others leave pricing to the catalog.
  let lines = 0;
  const line = (productId: string, quantity: number): OrderItem => {
    const p = products.get(productId);
    if (p !== undefined) p.demand += quantity;
    return lines++ % 2 === 0 ? { productId, quantity, unitPriceCents: p?.priceCents ?? 100 } : { productId, quantity };
  };
  const catalogPrice = (item: OrderItem): number => products.get(item.productId)?.priceCents ?? item.unitPriceCents ?? 100;
  const orders: PlannedOrder[] = [];
  const spend = new Map<string, number>();
  let next = 0;
  const order = (scenario: Scenario, customerId: string, items: OrderItem[], expected: OrderStatus, reason?: RegExp, deadlineMs?: number): void => {
    const totalCents = items.reduce((sum, item) => sum + item.quantity * catalogPrice(item), 0);
    spend.set(customerId, (spend.get(customerId) ?? 0) + totalCents);
    orders.push({ orderId: `o-${pad(next++)}`, customerId, scenario, items, totalCents, expected, ...(reason === undefined ? {} : { reason }), ...(deadlineMs === undefined ? {} : { deadlineMs }) });
  };
  const many = (planned: number, perCustomer: number, prefix: string, make: (customerId: string) => void): void => {
    const count = scale === 1 ? planned : Math.max(1, Math.round((planned * scale) / perCustomer)) * perCustomer;
    for (let i = 0; i < count; i++) make(`c-${prefix}-${pad(Math.floor(i / perCustomer), 3)}`);
  };

  const happy = Array.from({ length: 20 }, (_, i) => product(`p-happy-${pad(i, 2)}`, 100 * between(1, 9)));
  const happyItems = (): OrderItem[] => {
    const first = pick(happy);
    const second = pick(happy);
    return rnd() < 0.5 || first === second ? [line(first, between(1, 3))] : [line(first, between(1, 3)), line(second, between(1, 2))];
  };
  many(400, 4, 'happy', (c) => order('happy', c, happyItems(), 'COMPLETED'));
  many(30, 2, 'shipped', (c) => order('cancelShipped', c, happyItems(), 'COMPLETED'));

  const scarce = Array.from({ length: 5 }, (_, i) => product(`p-scarce-${i}`, 300));
  many(80, 4, 'oos', (c) => order('outOfStock', c, [{ productId: pick(scarce), quantity: between(2, 4), unitPriceCents: 300 }], 'REJECTED', /^out of stock: p-scarce-/));

  const partialOk = Array.from({ length: 4 }, (_, i) => product(`p-partial-${i}`, 200));
  const empty = Array.from({ length: 4 }, (_, i) => product(`p-empty-${i}`, 200));
  many(80, 4, 'partial', (c) => {
    const lines = [line(pick(partialOk), between(1, 2)), { productId: pick(empty), quantity: 1, unitPriceCents: 200 }];
    order('partlyInStock', c, rnd() < 0.5 ? lines : lines.reverse(), 'REJECTED', /^out of stock: p-empty-/);
  });
  many(20, 4, 'ghost', (c) => order('unknownProduct', c, [{ productId: `p-ghost-${between(0, 9)}`, quantity: 1, unitPriceCents: 100 }], 'REJECTED', /^unknown product: p-ghost-/));

  const pay = Array.from({ length: 4 }, (_, i) => product(`p-pay-${i}`, 500));
  many(80, 4, 'poor', (c) => order('insufficientBalance', c, [line(pick(pay), between(1, 3))], 'PAYMENT_FAILED', /^insufficient balance$/));

  const jewel = product('p-jewel', settings.fraudMaxAmountCents);
  many(60, 4, 'fraud', (c) => order('fraudScore', c, [line(jewel, 1)], 'PAYMENT_FAILED', /^fraud: score 1$/));

  const velocityProduct = product('p-velocity', 1_000);
  const perCustomer = settings.velocityMaxOrders + 3;
  many(5 * perCustomer, perCustomer, 'velocity', (c) => order('velocity', c, [line(velocityProduct, 1)], 'COMPLETED'));

  const cancel = Array.from({ length: 5 }, (_, i) => product(`p-cancel-${i}`, 400));
  for (const [scenario, count] of [['cancelPending', 60], ['cancelReserved', 60], ['cancelPaid', 60]] as const) {
    many(count, 4, scenario.toLowerCase(), (c) => order(scenario, c, [line(pick(cancel), between(1, 3))], 'CANCELLED', /cancelled by the customer|^e2e cancel/));
  }
  const expiring = Array.from({ length: 3 }, (_, i) => product(`p-expiring-${i}`, 250));
  many(30, 3, 'late', (c) => order('expired', c, [line(pick(expiring), 1)], 'EXPIRED', /did not answer within 1 ms/, 1));

  // Shuffled so that scenarios interleave on every partition, with a fixed seed.
  for (let i = orders.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [orders[i], orders[j]] = [orders[j] as PlannedOrder, orders[i] as PlannedOrder];
  }
  const deposits = (customerId: string, spent: number): number => {
    if (customerId.startsWith('c-poor-')) return 100;
    if (customerId.startsWith('c-fraud-')) return spent * 2;
    return spent + 1_000;
  };
  const customers = [...spend].map(([customerId, spent]) => ({ customerId, depositCents: deposits(customerId, spent) }));
  const at = (orders: number): number => Math.round(orders * scale);
  const restocks: Restock[] = [
    ...happy.map((productId) => ({ productId, quantity: 5, afterOrders: at(250) })),
    ...happy.map((productId) => ({ productId, quantity: 3, afterOrders: at(600) })),
    ...cancel.map((productId) => ({ productId, quantity: 4, afterOrders: at(450) })),
  ];
  // Stock: what the set's orders ask for, plus a margin; scarce ones 1, empty ones 0.
  const initial = (productId: string, demand: number): number => (productId.startsWith('p-scarce-') ? 1 : productId.startsWith('p-empty-') ? 0 : demand + 2);
  return {
    customers,
    products: [...products].map(([productId, p]) => ({ productId, priceCents: p.priceCents, initialStock: initial(productId, p.demand) + p.extra })),
    orders,
    restocks,
    velocity: { customers: [...new Set(orders.filter((o) => o.scenario === 'velocity').map((o) => o.customerId))], perCustomer, allowed: settings.velocityMaxOrders },
  };
}
