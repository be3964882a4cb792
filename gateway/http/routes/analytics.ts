/**
 * `GET /analytics/sales?from=&to=&groupBy=product|category&top=` (admins only: revenue is
 * business data; a customer gets 403): units and revenue of the analytics service's sales
 * windows whose start lies in [from, to], by product or by category, each window with its
 * totals and its `top` entries by revenue. `from` and `to` are epoch milliseconds or ISO
 * 8601 times; by default the last 24 hours up to now. A window still open shows its sales
 * so far; a closed one its final result (the one written to `analytics.sales`).
 *
 * @example
 * ```ts
 * registerAnalyticsRoutes(app, context, queries);
 * // GET /analytics/sales?groupBy=category&top=3 (admin) → 200 {"groupBy":"category","fromMs":…,"toMs":…,"windows":[{"startMs":…,"endMs":…,"units":5,"revenueCents":2250,"keys":2,"entries":[{"key":"drinks","units":3,"revenueCents":1350},…]}]}
 * ```
 */

import type { FastifyInstance } from 'fastify';
import { KstError } from '../../../common/errors.ts';
import type { SalesEntryMessage, SalesWindowMessage } from '../../grpc/proto.ts';
import type { QueryClient } from '../../queries/query-client.ts';
import { principalOf, requireAdmin } from '../access.ts';
import type { GatewayContext } from '../context.ts';
import { AUTHENTICATED_ERRORS, errorResponses, READ_ERRORS } from '../response-schemas.ts';

/** What the route reads; `QueryClient` is the real one. */
export type SalesReader = Pick<QueryClient, 'getSales'>;

const DAY_MS = 86_400_000;
/** The widest range one request may ask for. */
export const MAX_RANGE_MS = 31 * DAY_MS;
const DEFAULT_RANGE_MS = DAY_MS;
const DEFAULT_TOP = 10;
const MAX_TOP = 1_000;

interface SalesQuerystring {
  from?: string;
  to?: string;
  groupBy?: 'product' | 'category';
  top?: string;
}

const instant = (what: string) => ({ type: 'string', maxLength: 40, description: `${what}: epoch milliseconds or an ISO 8601 time.` }) as const;

const querystring = {
  type: 'object', additionalProperties: false,
  properties: {
    from: instant('Earliest window start (default: 24 hours before `to`)'),
    to: instant('Latest window start (default: now)'),
    groupBy: { type: 'string', enum: ['product', 'category'], description: 'Per product (default) or per category.' },
    top: { type: 'string', pattern: '^[0-9]{1,4}$', description: `Entries per window, highest revenue first (default ${DEFAULT_TOP}, at most ${MAX_TOP}).` },
  },
} as const;

const integer = (description: string) => ({ type: 'integer', description }) as const;

const salesReport = {
  type: 'object', additionalProperties: false, required: ['groupBy', 'fromMs', 'toMs', 'windows'],
  description: 'Sales windows by start; amounts are net of refunds made in the window.',
  properties: {
    groupBy: { type: 'string', enum: ['product', 'category'] },
    fromMs: integer('Earliest window start asked for.'),
    toMs: integer('Latest window start asked for.'),
    windows: {
      type: 'array',
      items: {
        type: 'object', additionalProperties: false, required: ['startMs', 'endMs', 'units', 'revenueCents', 'keys', 'entries'],
        properties: {
          startMs: integer('Window start, inclusive.'),
          endMs: integer('Window end, exclusive.'),
          units: integer('Units over every product or category of the window.'),
          revenueCents: integer('Revenue over every product or category of the window.'),
          keys: integer('Products or categories with sales in the window.'),
          entries: {
            type: 'array',
            items: {
              type: 'object', additionalProperties: false, required: ['key', 'units', 'revenueCents'],
              properties: {
                key: { type: 'string', description: 'The product id or the category.' },
                name: { type: 'string', description: 'The product\'s name (by product).' },
                category: { type: 'string', description: 'The product\'s category (by product).' },
                units: integer('Units sold.'),
                revenueCents: integer('Revenue in cents.'),
              },
            },
          },
        },
      },
    },
  },
} as const;

function invalid(message: string, field: string): KstError {
  return new KstError('KST_GATEWAY_REQUEST_INVALID', message, { field });
}

/** Epoch milliseconds from digits or an ISO 8601 time. */
export function parseInstant(text: string, field: string): number {
  const ms = /^[0-9]{1,15}$/.test(text) ? Number(text) : /^\d{4}-\d{2}-\d{2}(T[0-9:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(text) ? Date.parse(text) : Number.NaN;
  if (!Number.isSafeInteger(ms) || ms < 0) throw invalid(`querystring/${field} must be epoch milliseconds or an ISO 8601 time (got ${JSON.stringify(text)})`, field);
  return ms;
}

/** The checked query of a request: range, grouping and top, with their defaults. */
export function salesQueryOf(query: SalesQuerystring, now: number): { fromMs: number; toMs: number; groupBy: 'product' | 'category'; top: number } {
  const toMs = query.to === undefined ? now : parseInstant(query.to, 'to');
  const fromMs = query.from === undefined ? Math.max(0, toMs - DEFAULT_RANGE_MS) : parseInstant(query.from, 'from');
  if (fromMs > toMs) throw invalid(`querystring/from (${new Date(fromMs).toISOString()}) must not be after querystring/to (${new Date(toMs).toISOString()})`, 'from');
  if (toMs - fromMs > MAX_RANGE_MS) throw invalid(`querystring/from to querystring/to spans more than ${MAX_RANGE_MS / DAY_MS} days`, 'from');
  const top = query.top === undefined ? DEFAULT_TOP : Number(query.top);
  if (top < 1 || top > MAX_TOP) throw invalid(`querystring/top must be between 1 and ${MAX_TOP}`, 'top');
  return { fromMs, toMs, groupBy: query.groupBy ?? 'product', top };
}

/** An entry without the empty strings gRPC stands absent fields in for. */
function entryView(entry: SalesEntryMessage): Record<string, unknown> {
  return {
    key: entry.key,
    ...(entry.name === '' ? {} : { name: entry.name }),
    ...(entry.category === '' ? {} : { category: entry.category }),
    units: entry.units,
    revenueCents: entry.revenueCents,
  };
}

export function registerAnalyticsRoutes(app: FastifyInstance, context: Pick<GatewayContext, 'now'>, sales: SalesReader | undefined): void {
  app.get<{ Querystring: SalesQuerystring }>('/analytics/sales', {
    schema: {
      tags: ['analytics'], operationId: 'getSales', summary: 'Units and revenue per product or category per window, top entries first (admins only)', querystring,
      response: { 200: salesReport, ...errorResponses(...AUTHENTICATED_ERRORS, ...READ_ERRORS) },
    },
  }, async (request) => {
    requireAdmin(principalOf(request), 'read sales analytics');
    const query = salesQueryOf(request.query, context.now());
    if (sales === undefined) throw new KstError('KST_QUERY_UNAVAILABLE', 'the gateway has no analytics query endpoints (GATEWAY_ANALYTICS_QUERY_ENDPOINTS)', {});
    const windows = await sales.getSales(query);
    return { groupBy: query.groupBy, fromMs: query.fromMs, toMs: query.toMs, windows: windows.map((window: SalesWindowMessage) => ({ ...window, entries: window.entries.map(entryView) })) };
  });
}
