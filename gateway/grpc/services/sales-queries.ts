/**
 * `SalesQueries` of `queries.proto`: the analytics service's sales windows, by product or
 * by category. A window's keys are spread over the instances (by product id, or by
 * category after a repartition), so, as `StoreQueries.Range`, the instance asked reads its
 * own windows and asks every other instance hosting the store for theirs (forwarded: they
 * answer from their local copies only), then merges them per window. Each part is cut to
 * `top` already: keys of two instances never meet, so the top entries of the whole are
 * among the tops of the parts; the window's totals come over every key.
 *
 * Revenue is business data: admins and the platform's service identity only.
 *
 * @example
 * ```ts
 * server.addService(queryServices().SalesQueries.service, salesQueries({ routing, authenticate }));
 * // client: GetSales({ fromMs, toMs, groupBy: 'product', top: 5 }) → { windows: [{ startMs, endMs, units, revenueCents, keys, entries: [...] }] }
 * ```
 */

import * as grpc from '@grpc/grpc-js';
import { QueryableStoreTypes } from '../../../processors/client/index.ts';
import type { SalesTotals } from '../../../topologies/ecommerce/analytics/sales-lines.ts';
import { Stores } from '../../../topologies/ecommerce/contracts/stores.ts';
import { requireOperator, type CallAuthenticator } from '../call-auth.ts';
import { queryServices, type SalesEntryMessage, type SalesReportMessage, type SalesRequestMessage, type SalesWindowMessage } from '../proto.ts';
import { answer, forwardedMetadata, isForwarded, type QueryRouting } from '../query-routing.ts';
import { statusError } from '../status.ts';

export interface SalesQueriesOptions {
  readonly routing: QueryRouting;
  readonly authenticate: CallAuthenticator;
}

export const DEFAULT_TOP = 10;
export const MAX_TOP = 1_000;

const STORES: Readonly<Record<string, string>> = { product: Stores.salesByProduct, category: Stores.salesByCategory };

/** Highest revenue first, then most units, then by key. */
function byRevenue(a: SalesEntryMessage, b: SalesEntryMessage): number {
  return b.revenueCents - a.revenueCents || b.units - a.units || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
}

/** Every window of the parts once, by start; totals added, entries merged and cut to `top`. */
export function mergeSalesWindows(parts: readonly (readonly SalesWindowMessage[])[], top: number): SalesWindowMessage[] {
  const windows = new Map<number, SalesWindowMessage>();
  for (const part of parts) {
    for (const window of part) {
      const seen = windows.get(window.startMs);
      windows.set(window.startMs, seen === undefined ? { ...window, entries: [...window.entries] } : {
        ...seen,
        units: seen.units + window.units,
        revenueCents: seen.revenueCents + window.revenueCents,
        keys: seen.keys + window.keys,
        entries: [...seen.entries, ...window.entries],
      });
    }
  }
  return [...windows.values()]
    .sort((a, b) => a.startMs - b.startMs)
    .map((window) => ({ ...window, entries: window.entries.sort(byRevenue).slice(0, top) }));
}

/** One window's entry from a store's key and totals. */
export function salesEntry(key: string, totals: SalesTotals): SalesEntryMessage {
  return { key, name: totals.name ?? '', category: totals.category ?? '', units: totals.units, revenueCents: totals.revenueCents };
}

function checkedRequest(request: SalesRequestMessage): { store: string; top: number } {
  const store = STORES[request.groupBy];
  if (store === undefined) throw statusError(grpc.status.INVALID_ARGUMENT, `group_by must be "product" or "category", not ${JSON.stringify(request.groupBy)}`);
  if (request.fromMs < 0 || request.toMs < request.fromMs) throw statusError(grpc.status.INVALID_ARGUMENT, `from_ms (${request.fromMs}) must be at least 0 and at most to_ms (${request.toMs})`);
  if (request.top > MAX_TOP) throw statusError(grpc.status.INVALID_ARGUMENT, `top must be at most ${MAX_TOP}`);
  return { store, top: request.top === 0 ? DEFAULT_TOP : request.top };
}

export function salesQueries(options: SalesQueriesOptions): grpc.UntypedServiceImplementation {
  const { routing, authenticate } = options;
  const method = queryServices().SalesQueries.service['GetSales'] as grpc.MethodDefinition<object, object>;

  /** This instance's windows of the store, each with its totals and its top entries. */
  const localWindows = async (store: string, request: SalesRequestMessage, top: number): Promise<SalesWindowMessage[]> => {
    const view = routing.streams().store({ storeName: store, queryableStoreType: QueryableStoreTypes.windowStore<string, SalesTotals>() });
    const windows = new Map<number, SalesWindowMessage>();
    for await (const { key, value } of view.fetchAll(request.fromMs, request.toMs)) {
      const start = key.window.start;
      const window = windows.get(start) ?? { startMs: start, endMs: key.window.end, units: 0, revenueCents: 0, keys: 0, entries: [] };
      window.units += value.units;
      window.revenueCents += value.revenueCents;
      window.keys += 1;
      window.entries.push(salesEntry(key.key, value));
      windows.set(start, window);
    }
    return mergeSalesWindows([[...windows.values()]], top);
  };

  return {
    GetSales(call: grpc.ServerUnaryCall<SalesRequestMessage, SalesReportMessage>, callback: grpc.sendUnaryData<SalesReportMessage>) {
      answer(callback, async () => {
        requireOperator(await authenticate(call.metadata), 'read sales analytics');
        const { store, top } = checkedRequest(call.request);
        const request = { ...call.request, top };
        if (isForwarded(call.metadata)) return { windows: await localWindows(store, request, top) };
        // Only endpoints the members of this application advertise: never an address from the request.
        const hosts = routing.streams().streamsMetadataForStore(store).filter((m) => m.topicPartitions.length > 0).map((m) => m.endpoint);
        if (hosts.length === 0) throw statusError(grpc.status.UNAVAILABLE, `no instance hosts store ${store} yet`);
        const parts = await Promise.all(hosts.map(async (endpoint) => {
          if (endpoint === routing.self) return localWindows(store, request, top);
          const report = await routing.peers.unary<SalesRequestMessage, SalesReportMessage>(endpoint, method, request, forwardedMetadata(call.metadata));
          return report.windows;
        }));
        return { windows: mergeSalesWindows(parts, top) };
      });
    },
  };
}
