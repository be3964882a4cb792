/**
 * What the analytics service counts, as pure functions of the platform's events.
 *
 * A sale is an `OrderPaid` event: payment captured the order's reserved total, so each of
 * its items adds its quantity and quantity × reserved unit price. A paid order that is
 * cancelled later (`OrderCancelled` from `PAID`, after shipping stopped the parcel) is
 * refunded: its items subtract the same, in the window the cancellation happens in (the
 * sale's own window may have closed already, and a report of an hour is then net of what
 * was refunded in it). Nothing else counts: orders that never got paid sold nothing.
 *
 * Product categories come from the products' `ProductUpdated` events, read defensively:
 * a product without a category (or written before products had one) is `uncategorised`.
 *
 * @example
 * ```ts
 * saleLines(paidEvent); // [{ productId: 'p-1', units: 2, revenueCents: 900 }]
 * ```
 */

import type { InventoryEvent, OrderEvent } from '../contracts/events.ts';

/** The category of a product that has none. */
export const UNCATEGORISED = 'uncategorised';

/** One product's share of a sale (positive) or refund (negative). */
export interface SaleLine {
  readonly productId: string;
  readonly units: number;
  readonly revenueCents: number;
}

/** What analytics knows of a product: its name and category. */
export interface ProductInfo {
  readonly name: string;
  readonly category: string;
}

/** A sale line with its product's name and category, once joined with the products table. */
export interface CategorisedLine extends SaleLine {
  readonly name: string;
  readonly category: string;
}

/** Units and revenue of one key in one window; `name` (products) and `category` (products) when known. */
export interface SalesTotals {
  readonly units: number;
  readonly revenueCents: number;
  readonly name?: string;
  readonly category?: string;
}

export type SalesGroupBy = 'product' | 'category';

/**
 * One final result of a window, as written to `analytics.sales` (JSON) and indexed in
 * OpenSearch: `id` (also the record key) is the same for every delivery of the result.
 */
export interface SalesResult extends SalesTotals {
  readonly id: string;
  readonly groupBy: SalesGroupBy;
  readonly key: string;
  readonly windowStartMs: number;
  readonly windowEndMs: number;
  /** `windowStartMs` as ISO 8601, so a search index maps it as a date. */
  readonly windowStart: string;
}

/** The sign an order event counts with: +1 for a sale, -1 for a refund of one, 0 otherwise. */
export function saleSign(event: Pick<OrderEvent, 'type' | 'fromStatus'>): number {
  if (event.type === 'OrderPaid') return 1;
  if (event.type === 'OrderCancelled' && event.fromStatus === 'PAID') return -1;
  return 0;
}

/** One line per distinct product of a sale or refund (repeated lines added up); none for other events. */
export function saleLines(event: OrderEvent): SaleLine[] {
  const sign = saleSign(event);
  if (sign === 0) return [];
  const lines = new Map<string, { units: number; revenueCents: number }>();
  for (const item of event.items) {
    const line = lines.get(item.productId) ?? { units: 0, revenueCents: 0 };
    line.units += item.quantity;
    line.revenueCents += item.quantity * (item.unitPriceCents ?? 0);
    lines.set(item.productId, line);
  }
  // `+ 0` turns the -0 of a refunded free item into 0.
  return [...lines].map(([productId, line]) => ({ productId, units: sign * line.units + 0, revenueCents: sign * line.revenueCents + 0 }));
}

/** A category as given (trimmed), or `uncategorised` when absent or blank. */
export function categoryOf(value: unknown): string {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : UNCATEGORISED;
}

/**
 * The name and category of a product event. Read through `unknown`: `category` is an
 * optional field of newer product events, absent from older ones.
 */
export function productInfoOf(event: InventoryEvent): ProductInfo {
  const fields = event as unknown as Readonly<Record<string, unknown>>;
  return { name: typeof event.name === 'string' ? event.name : '', category: categoryOf(fields['category']) };
}

/** A sale line with its product's info; a product analytics has not seen is `uncategorised`. */
export function categorised(line: SaleLine, product: ProductInfo | null): CategorisedLine {
  return { ...line, name: product?.name ?? '', category: product?.category ?? UNCATEGORISED };
}

/** Adds a line to a window's totals, keeping the latest name and category seen. */
export function addLine(totals: SalesTotals, line: CategorisedLine, withProduct: boolean): SalesTotals {
  return {
    units: totals.units + line.units,
    revenueCents: totals.revenueCents + line.revenueCents,
    ...(withProduct ? { name: line.name, category: line.category } : {}),
  };
}

/** The id of a window's result: stable, so a redelivered result overwrites its document. */
export function salesResultId(groupBy: SalesGroupBy, key: string, windowStartMs: number): string {
  return `${groupBy}|${key}|${windowStartMs}`;
}

export function salesResult(groupBy: SalesGroupBy, key: string, window: { readonly start: number; readonly end: number }, totals: SalesTotals): SalesResult {
  return {
    id: salesResultId(groupBy, key, window.start),
    groupBy,
    key,
    windowStartMs: window.start,
    windowEndMs: window.end,
    windowStart: new Date(window.start).toISOString(),
    units: totals.units,
    revenueCents: totals.revenueCents,
    ...(totals.name === undefined ? {} : { name: totals.name }),
    ...(totals.category === undefined ? {} : { category: totals.category }),
  };
}
