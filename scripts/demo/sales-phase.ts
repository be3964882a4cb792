/**
 * The demo's last word: the sales analytics of the current hour, as the admin sees them
 * through `GET /analytics/sales` (top products by revenue, revenue per category), once the
 * orders have settled. The analytics service counts paid orders (net of refunds), so the
 * figures are those of the demo's completed orders plus whatever else sold this hour.
 * An analytics service that does not answer is reported, not a failure of the demo.
 *
 * @example
 * ```ts
 * await printSales(client, { nowMs: Date.now(), print: console.log });
 * // Sales this hour (16:00–17:00 UTC): 812 units, 3,650.50 revenue
 * //   top products: p-3 Tea  120 units  540.00 …
 * ```
 */

import { isKstError } from '../../common/errors.ts';
import { ADMIN, type DemoGatewayClient } from './gateway-client.ts';

const HOUR_MS = 3_600_000;

export interface SalesEntry {
  readonly key: string;
  readonly name?: string;
  readonly units: number;
  readonly revenueCents: number;
}

export interface SalesWindow {
  readonly startMs: number;
  readonly endMs: number;
  readonly units: number;
  readonly revenueCents: number;
  readonly keys: number;
  readonly entries: readonly SalesEntry[];
}

export interface SalesPhaseOptions {
  readonly nowMs: number;
  readonly print: (line: string) => void;
  /** Products shown (default 5). */
  readonly top?: number;
}

const money = (cents: number): string => (cents / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const time = (ms: number): string => new Date(ms).toISOString().slice(11, 16);

/** The lines the demo prints for the windows by product and by category of one hour. */
export function formatSales(byProduct: readonly SalesWindow[], byCategory: readonly SalesWindow[]): string[] {
  const window = byProduct.at(-1);
  if (window === undefined) return ['Sales this hour: none yet (the analytics service has not counted a paid order this hour).'];
  const lines = [`Sales this hour (${time(window.startMs)}–${time(window.endMs)} UTC): ${window.units} units, ${money(window.revenueCents)} revenue over ${window.keys} products`];
  lines.push('  top products:');
  for (const entry of window.entries) lines.push(`    ${entry.key.padEnd(24)} ${(entry.name ?? '').padEnd(16)} ${String(entry.units).padStart(6)} units ${money(entry.revenueCents).padStart(12)}`);
  const categories = byCategory.find((w) => w.startMs === window.startMs);
  if (categories !== undefined) {
    lines.push('  revenue per category:');
    for (const entry of categories.entries) lines.push(`    ${entry.key.padEnd(24)} ${String(entry.units).padStart(6)} units ${money(entry.revenueCents).padStart(12)}`);
  }
  return lines;
}

/** Asks the gateway for the current hour's sales by product and by category and prints them. */
export async function printSales(client: DemoGatewayClient, options: SalesPhaseOptions): Promise<void> {
  const from = Math.floor(options.nowMs / HOUR_MS) * HOUR_MS;
  const ask = async (groupBy: 'product' | 'category', top: number): Promise<readonly SalesWindow[]> => {
    const answer = await client.send('GET', `/analytics/sales?from=${from}&to=${options.nowMs}&groupBy=${groupBy}&top=${top}`, { as: ADMIN, accept: [200] });
    return (answer.body['windows'] ?? []) as readonly SalesWindow[];
  };
  try {
    const [byProduct, byCategory] = await Promise.all([ask('product', options.top ?? 5), ask('category', 20)]);
    for (const line of formatSales(byProduct, byCategory)) options.print(line);
  } catch (error) {
    if (!isKstError(error)) throw error;
    options.print(`Sales analytics not available: ${error.message}`);
  }
}
