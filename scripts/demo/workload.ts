/**
 * The demo's workload, planned before anything is sent: customers (most with deposits
 * that cover their orders, some too poor for any), products (most restocked with more
 * than every order could hold at once, a few left sold out), and orders of five kinds,
 * each with the final status it should reach:
 *
 * | kind | what | expected |
 * |---|---|---|
 * | `in-stock` | 1–3 products in stock, paid from a sufficient balance | COMPLETED |
 * | `out-of-stock` | a sold-out product | REJECTED |
 * | `partly-in-stock` | one product in stock and one sold out | REJECTED (the reserved one released) |
 * | `too-expensive` | a poor customer's order | PAYMENT_FAILED |
 * | `cancelled` | as in-stock, then cancelled shortly after it appears | CANCELLED, or COMPLETED when already shipped |
 *
 * Pure and deterministic for a seed, so it is unit-tested and a run can be repeated.
 * Stock is sized so in-stock orders can never run out whatever the interleaving, and a
 * rich customer's deposit covers all of its orders: the only failures are the planned ones
 * (and the payment service's fraud rules, which a user can trip with many orders per customer).
 *
 * @example
 * ```ts
 * const workload = planWorkload({ runId: 'd1', orders: 10, customers: 4, products: 3, rate: 5, seed: 1, shares });
 * workload.orders[0]; // { index: 0, kind: 'in-stock', customerId: 'd1-c-2', items: [...], atOffsetMs: 0, ... }
 * ```
 */

import type { OrderItem } from '../../topologies/ecommerce/contracts/commands.ts';
import type { OrderStatus } from '../../topologies/ecommerce/contracts/views.ts';
import { seededRandom } from '../../common/seeded-random.ts';

/** An order line with the price the customer saw in the catalog (the order is refused if the catalog's differs at reservation). */
export type QuotedItem = OrderItem & { readonly unitPriceCents: number };

export const ORDER_KINDS = ['in-stock', 'out-of-stock', 'partly-in-stock', 'too-expensive', 'cancelled'] as const;
export type OrderKind = (typeof ORDER_KINDS)[number];

export const EXPECTED_STATUS: Readonly<Record<OrderKind, OrderStatus>> = {
  'in-stock': 'COMPLETED',
  'out-of-stock': 'REJECTED',
  'partly-in-stock': 'REJECTED',
  'too-expensive': 'PAYMENT_FAILED',
  cancelled: 'CANCELLED',
};

/** What a poor customer deposits: less than the cheapest product. */
export const POOR_DEPOSIT_CENTS = 50;
const MIN_PRICE_CENTS = 100;

export interface PlannedCustomer {
  readonly customerId: string;
  readonly name: string;
  readonly email: string;
  readonly depositCents: number;
  readonly poor: boolean;
}

export interface PlannedProduct {
  readonly productId: string;
  readonly name: string;
  readonly priceCents: number;
  /** Units restocked; 0 for a sold-out product. */
  readonly stock: number;
  /** "<Adjective> <noun> of demo run <runId>": the search phase finds the run's products by its words. */
  readonly description: string;
  readonly category: string;
}

export interface PlannedOrder {
  readonly index: number;
  readonly kind: OrderKind;
  readonly customerId: string;
  readonly items: readonly QuotedItem[];
  /** Sent as Idempotency-Key, so a retried POST places the order once. */
  readonly idempotencyKey: string;
  /** When to place it, from the start of the order phase. */
  readonly atOffsetMs: number;
  /** For `cancelled`: how long after the order first shows to cancel it. */
  readonly cancelAfterMs?: number;
  readonly expected: OrderStatus;
}

export interface WorkloadShares {
  readonly outOfStock: number;
  readonly tooExpensive: number;
  readonly cancelled: number;
  readonly poorCustomers: number;
}

export interface WorkloadOptions {
  readonly runId: string;
  readonly orders: number;
  readonly customers: number;
  readonly products: number;
  /** Orders per second. */
  readonly rate: number;
  readonly seed: number;
  readonly shares: WorkloadShares;
}

export interface Workload {
  readonly runId: string;
  readonly customers: readonly PlannedCustomer[];
  readonly products: readonly PlannedProduct[];
  readonly orders: readonly PlannedOrder[];
}

/** What the demo's products are (by index, so the seeded plan is unchanged): a noun of each category. */
export const DEMO_CATALOG: ReadonlyArray<readonly [noun: string, category: string]> = [
  ['kettle', 'kitchen'], ['rake', 'garden'], ['stapler', 'office'], ['kite', 'toys'], ['lantern', 'outdoor'], ['atlas', 'books'],
  ['teapot', 'kitchen'], ['trowel', 'garden'], ['notebook', 'office'], ['puzzle', 'toys'], ['tent', 'outdoor'], ['novel', 'books'],
];
const ADJECTIVES = ['Sturdy', 'Compact', 'Classic', 'Bright', 'Quiet', 'Handy', 'Vintage'];

/** The catalog text and category of the run's product number `index` (from 0). */
export function catalogEntry(runId: string, index: number): { readonly noun: string; readonly description: string; readonly category: string } {
  const [noun, category] = DEMO_CATALOG[index % DEMO_CATALOG.length] as readonly [string, string];
  return { noun, category, description: `${ADJECTIVES[index % ADJECTIVES.length] as string} ${noun} of demo run ${runId}` };
}

const pick = <T>(random: () => number, values: readonly T[]): T => values[Math.floor(random() * values.length)] as T;

function chooseKind(random: () => number, shares: WorkloadShares): OrderKind {
  const roll = random();
  const outOfStock = shares.outOfStock;
  if (roll < outOfStock / 2) return 'out-of-stock';
  if (roll < outOfStock) return 'partly-in-stock';
  if (roll < outOfStock + shares.tooExpensive) return 'too-expensive';
  if (roll < outOfStock + shares.tooExpensive + shares.cancelled) return 'cancelled';
  return 'in-stock';
}

/** Plans the whole run; throws a RangeError when the shares add up to more than 1. */
export function planWorkload(options: WorkloadOptions): Workload {
  const { runId, shares } = options;
  if (shares.outOfStock + shares.tooExpensive + shares.cancelled > 1) throw new RangeError('the order shares (out of stock, too expensive, cancelled) add up to more than 1');
  const random = seededRandom(options.seed);

  // At least one of each pool, so every kind has somewhere to go.
  const poorCount = Math.min(options.customers - 1, Math.max(shares.tooExpensive > 0 ? 1 : 0, Math.round(options.customers * shares.poorCustomers)));
  const soldOutCount = shares.outOfStock > 0 ? Math.min(options.products - 1, Math.max(1, Math.round(options.products * 0.15))) : 0;
  const customerIds = Array.from({ length: options.customers }, (_, i) => `${runId}-c-${i + 1}`);
  const richIds = customerIds.slice(poorCount);
  const poorIds = customerIds.slice(0, poorCount);
  const products = Array.from({ length: options.products }, (_, i) => ({
    productId: `${runId}-p-${i + 1}`,
    name: `Product ${i + 1}`,
    priceCents: MIN_PRICE_CENTS + 5 * Math.floor(random() * 980),
  }));
  const inStock = products.slice(soldOutCount);
  const soldOut = products.slice(0, soldOutCount);

  const demand = new Map<string, number>();
  const spend = new Map<string, number>();
  const nextOf = { rich: 0, poor: 0 };
  const item = (product: { productId: string; priceCents: number }, quantity: number): QuotedItem => {
    demand.set(product.productId, (demand.get(product.productId) ?? 0) + quantity);
    return { productId: product.productId, quantity, unitPriceCents: product.priceCents };
  };
  const inStockItems = (count: number): QuotedItem[] => {
    const chosen = new Set<(typeof inStock)[number]>();
    while (chosen.size < Math.min(count, inStock.length)) chosen.add(pick(random, inStock));
    return [...chosen].map((product) => item(product, 1 + Math.floor(random() * 3)));
  };

  const orders: PlannedOrder[] = [];
  for (let index = 0; index < options.orders; index++) {
    let kind = chooseKind(random, shares);
    if (kind === 'too-expensive' && poorIds.length === 0) kind = 'in-stock';
    if ((kind === 'out-of-stock' || kind === 'partly-in-stock') && soldOut.length === 0) kind = 'in-stock';
    // Round robin inside each pool spreads orders evenly, which keeps customers under the fraud velocity rule as long as possible.
    const customerId = kind === 'too-expensive' ? (poorIds[nextOf.poor++ % poorIds.length] as string) : (richIds[nextOf.rich++ % richIds.length] as string);
    let items: QuotedItem[];
    switch (kind) {
      case 'out-of-stock': items = [item(pick(random, soldOut), 1)]; break;
      case 'partly-in-stock': items = [...inStockItems(1), item(pick(random, soldOut), 1)]; break;
      case 'too-expensive': items = inStockItems(1 + Math.floor(random() * 2)); break;
      default: items = inStockItems(1 + Math.floor(random() * 3));
    }
    const total = items.reduce((sum, it) => sum + it.quantity * it.unitPriceCents, 0);
    if (kind !== 'too-expensive') spend.set(customerId, (spend.get(customerId) ?? 0) + total);
    orders.push({
      index,
      kind,
      customerId,
      items,
      idempotencyKey: `${runId}-order-${index}`,
      atOffsetMs: Math.round((index * 1000) / options.rate),
      ...(kind === 'cancelled' ? { cancelAfterMs: Math.floor(random() * 1_000) } : {}),
      expected: EXPECTED_STATUS[kind],
    });
  }

  const customers: PlannedCustomer[] = customerIds.map((customerId, i) => {
    const poor = i < poorCount;
    return {
      customerId,
      name: `Customer ${i + 1}`,
      email: `${customerId}@demo.example`,
      // Rich: everything it will order (a cancelled order may be charged before its refund), plus change.
      depositCents: poor ? POOR_DEPOSIT_CENTS : (spend.get(customerId) ?? 0) + 1_000 + 100 * Math.floor(random() * 50),
      poor,
    };
  });
  // Every unit any order asks for, so no interleaving of reservations can run a product out.
  const plannedProducts: PlannedProduct[] = products.map((product, i) => {
    const { description, category } = catalogEntry(runId, i);
    return { ...product, stock: i < soldOutCount ? 0 : (demand.get(product.productId) ?? 0) + 10, description, category };
  });
  return { runId, customers, products: plannedProducts, orders };
}

/** How many orders of each kind the plan holds. */
export function countByKind(orders: readonly PlannedOrder[]): Record<OrderKind, number> {
  const counts = Object.fromEntries(ORDER_KINDS.map((kind) => [kind, 0])) as Record<OrderKind, number>;
  for (const order of orders) counts[order.kind] += 1;
  return counts;
}
