/**
 * `StoreQueries` of `queries.proto`: any key-value store of the service, by name, keys and
 * values as JSON text. `Get` goes to the key's owner. `Range` has no single owner: the
 * instance asked reads its own active copies and asks every other instance hosting the
 * store for theirs (forwarded, so they answer with their local copies only), then merges
 * them in key order and cuts at `limit`.
 *
 * Keys are partitioned as the store's serializer says (string keys by default; see
 * `QueryRoutingOptions.keySerializers`), so `key_json` must parse to a value of that type.
 *
 * Any store by name is more than a customer may see (other customers' balances and
 * notifications), so both methods are for admins and the platform's service identity
 * only: a customer token gets PERMISSION_DENIED.
 *
 * @example
 * ```ts
 * server.addService(queryServices().StoreQueries.service, storeQueries({ routing, authenticate }));
 * // client: Get({ store: 'orders', keyJson: '"o-17"' }) → { valueJson: '{"orderId":"o-17",...}' }
 * ```
 */

import * as grpc from '@grpc/grpc-js';
import { QueryableStoreTypes } from '../../../processors/client/index.ts';
import { requireOperator, type CallAuthenticator } from '../call-auth.ts';
import { queryServices, type StoreEntryMessage, type StoreRangeRequestMessage } from '../proto.ts';
import { answer, forwardedMetadata, isForwarded, type QueryRouting } from '../query-routing.ts';
import { statusError } from '../status.ts';

export interface StoreQueriesOptions {
  readonly routing: QueryRouting;
  readonly authenticate: CallAuthenticator;
}

const DEFAULT_LIMIT = 1_000;
const MAX_LIMIT = 10_000;

/** JSON that survives bigint values (Long serdes) and Buffers. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}

function parseJson(text: string, field: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw statusError(grpc.status.INVALID_ARGUMENT, `${field} is not JSON: ${text.slice(0, 80)}`);
  }
}

function requireStore(store: unknown): string {
  if (typeof store !== 'string' || store === '') throw statusError(grpc.status.INVALID_ARGUMENT, 'store is required');
  return store;
}

type Entries = { entries: StoreEntryMessage[]; truncated: boolean };

export function storeQueries(options: StoreQueriesOptions): grpc.UntypedServiceImplementation {
  const { routing, authenticate } = options;
  const methods = queryServices().StoreQueries.service;
  const rangeMethod = methods['Range'] as grpc.MethodDefinition<object, object>;

  const localRange = async (request: StoreRangeRequestMessage, from: unknown, to: unknown, limit: number): Promise<StoreEntryMessage[]> => {
    const view = routing.streams().store({ storeName: request.store, queryableStoreType: QueryableStoreTypes.keyValueStore<unknown, unknown>() });
    const out: StoreEntryMessage[] = [];
    for await (const { key, value } of view.range(from, to)) {
      out.push({ keyJson: toJson(key), valueJson: toJson(value) });
      if (out.length > limit) break;
    }
    return out;
  };

  return {
    Get(call: grpc.ServerUnaryCall<{ store: string; keyJson: string }, { valueJson: string }>, callback: grpc.sendUnaryData<{ valueJson: string }>) {
      answer(callback, async () => {
        requireOperator(await authenticate(call.metadata), 'read stores by name');
        const store = requireStore(call.request.store);
        const key = parseJson(call.request.keyJson, 'key_json');
        if (key === null) throw statusError(grpc.status.INVALID_ARGUMENT, 'key_json is required');
        return routing.unary(call, methods['Get'] as grpc.MethodDefinition<object, object>, store, key, async () => {
          const value = await routing.readLocal<unknown>(store, key);
          if (value === undefined) throw statusError(grpc.status.NOT_FOUND, `store ${store} has no key ${call.request.keyJson}`);
          return { valueJson: toJson(value) };
        });
      });
    },

    Range(call: grpc.ServerUnaryCall<StoreRangeRequestMessage, Entries>, callback: grpc.sendUnaryData<Entries>) {
      answer(callback, async () => {
        requireOperator(await authenticate(call.metadata), 'range over stores');
        const request = call.request;
        requireStore(request.store);
        const from = request.fromJson === '' ? undefined : parseJson(request.fromJson, 'from_json');
        const to = request.toJson === '' ? undefined : parseJson(request.toJson, 'to_json');
        const limit = request.limit === 0 ? DEFAULT_LIMIT : Math.min(request.limit, MAX_LIMIT);
        if (isForwarded(call.metadata)) return { entries: await localRange(request, from, to, limit), truncated: false };
        const streams = routing.streams();
        // Only endpoints the members of this application advertise: never an address from the request.
        const hosts = streams.streamsMetadataForStore(request.store).filter((m) => m.topicPartitions.length > 0).map((m) => m.endpoint);
        if (hosts.length === 0) throw statusError(grpc.status.UNAVAILABLE, `no instance hosts store ${request.store} yet`);
        const parts = await Promise.all(hosts.map(async (endpoint) => {
          if (endpoint === routing.self) return localRange(request, from, to, limit);
          const answer = await routing.peers.unary<StoreRangeRequestMessage, Entries>(endpoint, rangeMethod, { ...request, limit }, forwardedMetadata(call.metadata));
          return answer.entries;
        }));
        // Partitions are disjoint, so a merge by key is a sort; keys compare as their JSON text in UTF-8 bytes.
        const all = parts.flat().sort((a, b) => Buffer.compare(Buffer.from(a.keyJson), Buffer.from(b.keyJson)));
        return { entries: all.slice(0, limit), truncated: all.length > limit };
      });
    },
  };
}
