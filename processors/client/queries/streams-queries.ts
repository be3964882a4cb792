/**
 * Interactive queries of one streams client, as Kafka Streams' `QueryableStoreProvider`
 * with `StreamsMetadataState` and `KafkaStreams.allLocalStorePartitionLags()`:
 *
 * - `store()` gives a read-only view over this instance's copies of a store, resolved on
 *   every call. Without `enableStaleStores` a view reads running active tasks of running
 *   threads only; with it, standby copies and the tasks of a thread that is rebalancing
 *   too (they may lag: `allLocalStorePartitionLags()` says by how much). A read that
 *   finds no copy — the client is starting or rebalancing, or the key's partition is
 *   hosted elsewhere — throws the retriable `KST_STREAMS_STORE_UNAVAILABLE`.
 * - `queryMetadataForKey()` names the instance whose active task holds a key, and those
 *   with standbys of it, from the group's host table (every instance has it).
 *
 * @example
 * ```ts
 * const counts = streams.store({ storeName: 'counts', queryableStoreType: QueryableStoreTypes.keyValueStore<string, number>() });
 * const meta = streams.queryMetadataForKey('counts', 'alpha', Serdes.String());
 * const value = meta.activeHost.port === myPort ? await counts.get('alpha') : await askPeer(meta.activeHost, 'alpha');
 * ```
 */

import { KstError } from '../../../common/errors.ts';
import type { TopologyPlan } from '../../plan/topology-plan.ts';
import type { HostInfo } from '../../runtime/assignment/index.ts';
import type { GlobalStreamThread } from '../../runtime/global/global-stream-thread.ts';
import type { LocalStoreInstance } from '../../runtime/thread/thread-stores.ts';
import type { ThreadState } from '../../runtime/thread/thread-state.ts';
import type { ClientState } from '../client-state.ts';
import type { StreamsMetadata } from '../streams-metadata.ts';
import { valueMapper, type QueryableStoreType, type StoreInstances } from './queryable-store-types.ts';
import type { QueryableThreadStores } from './remote-stores.ts';
import { storeRouting, type KeySerializer, type StoreRouting } from './store-routing.ts';

/** What `KafkaStreams.store()` takes, as Kafka Streams' `StoreQueryParameters`. */
export interface StoreQueryParameters<T> {
  readonly storeName: string;
  readonly queryableStoreType: QueryableStoreType<T>;
  /** Also read standby copies and restoring tasks, which may lag behind. Default false. */
  readonly enableStaleStores?: boolean;
  /** Only this partition's copy. */
  readonly partition?: number;
}

export interface HostAndPort {
  readonly host: string;
  readonly port: number;
}

/** Where a key lives, as Kafka Streams' `KeyQueryMetadata`. */
export interface KeyQueryMetadata {
  readonly activeHost: HostAndPort;
  readonly standbyHosts: readonly HostAndPort[];
  /** The key's partition; -1 for a global store (every instance holds all of it). */
  readonly partition: number;
}

/** How far a local store partition is behind its changelog's end, as Kafka Streams' `LagInfo`. */
export interface LagInfo {
  readonly currentOffsetPosition: bigint;
  readonly endOffsetPosition: bigint;
  readonly offsetLag: bigint;
}

/** What the queries read of their client. */
export interface QueryContext {
  readonly applicationId: string;
  readonly endpoint: string | undefined;
  state(): ClientState;
  plan(): TopologyPlan | undefined;
  partitionCounts(): ReadonlyMap<string, number>;
  hosts(): readonly HostInfo[];
  /** Each stream thread's state and stores (read on its worker thread for one that runs there). */
  threads(): ReadonlyArray<{ readonly state: ThreadState; readonly stores: QueryableThreadStores }>;
  global(): GlobalStreamThread | undefined;
  allMetadata(): StreamsMetadata[];
}

export function hostAndPort(endpoint: string): HostAndPort {
  const separator = endpoint.lastIndexOf(':');
  return { host: endpoint.slice(0, separator), port: Number(endpoint.slice(separator + 1)) };
}

const unavailable = (message: string, details: Record<string, unknown>): KstError => new KstError('KST_STREAMS_STORE_UNAVAILABLE', message, details);

export class StreamsQueries {
  readonly #context: QueryContext;

  constructor(context: QueryContext) {
    this.#context = context;
  }

  store<T>(parameters: StoreQueryParameters<T>): T {
    const { storeName, queryableStoreType: type } = parameters;
    const routing = this.#routing(storeName);
    const mapValue = valueMapper(routing.storePlan.timestamped === true, type.timestamped, storeName);
    const partition = parameters.partition;
    if (partition !== undefined && (!Number.isSafeInteger(partition) || partition < 0 || (routing.partitions > 0 && partition >= routing.partitions))) {
      throw new KstError('KST_STREAMS_STORE_PARTITION_INVALID', `store "${storeName}" has no partition ${partition} (it has ${routing.partitions})`, { store: storeName, partition });
    }
    return type.create(this.#instances(routing, parameters.enableStaleStores === true, partition), mapValue);
  }

  queryMetadataForKey<K>(storeName: string, key: K, keySerializer: KeySerializer<K>): KeyQueryMetadata {
    const routing = this.#routing(storeName);
    if (routing.global) {
      const endpoint = this.#context.endpoint;
      if (endpoint === undefined) throw unavailable(`store "${storeName}" is global, but this instance has no application.server to name`, { store: storeName });
      return { activeHost: hostAndPort(endpoint), standbyHosts: [], partition: -1 };
    }
    const partition = routing.partitionOf(keySerializer, key);
    const holds = (list: HostInfo['activePartitions']): boolean => list.some((tp) => tp.partition === partition && routing.sourceTopics.includes(tp.topic));
    const hosts = this.#context.hosts();
    const active = hosts.find((h) => holds(h.activePartitions));
    if (active === undefined) {
      throw unavailable(`no instance is known to host partition ${partition} of store "${storeName}" yet (the group is forming or rebalancing, or no instance sets application.server); retry`, { store: storeName, partition });
    }
    return { activeHost: hostAndPort(active.endpoint), standbyHosts: hosts.filter((h) => holds(h.standbyPartitions)).map((h) => hostAndPort(h.endpoint)), partition };
  }

  streamsMetadataForStore(storeName: string): StreamsMetadata[] {
    this.#routing(storeName);
    return this.#context.allMetadata().filter((m) => m.stateStoreNames.includes(storeName));
  }

  async allLocalStorePartitionLags(): Promise<Map<string, Map<number, LagInfo>>> {
    this.#requireActive();
    const out = new Map<string, Map<number, LagInfo>>();
    for (const thread of this.#context.threads()) {
      for (const lag of await thread.stores.lags()) {
        let byPartition = out.get(lag.storeName);
        if (byPartition === undefined) out.set(lag.storeName, (byPartition = new Map()));
        byPartition.set(lag.partition, { currentOffsetPosition: lag.currentOffsetPosition, endOffsetPosition: lag.endOffsetPosition, offsetLag: lag.offsetLag });
      }
    }
    return out;
  }

  #routing(storeName: string): StoreRouting {
    this.#requireActive();
    const plan = this.#context.plan();
    if (plan === undefined) throw unavailable('the topology is not loaded yet', { store: storeName });
    return storeRouting(plan, this.#context.applicationId, storeName, this.#context.partitionCounts());
  }

  /** Queries need a started client that is not stopping: CREATED is retriable (start is coming), stopping is not. */
  #requireActive(): void {
    const state = this.#context.state();
    if (state === 'RUNNING' || state === 'REBALANCING') return;
    if (state === 'CREATED') throw unavailable('the streams client has not been started yet; retry after start()', { state });
    throw new KstError('KST_STREAMS_NOT_RUNNING', `the streams client is ${state}: its stores cannot be queried`, { state });
  }

  #instances(routing: StoreRouting, stale: boolean, partition: number | undefined): StoreInstances {
    const context = this.#context;
    const storeName = routing.storeName;
    const serde = routing.sourceKeySerde;
    const keyTopic = routing.sourceTopics[0] ?? '';
    const all = (): LocalStoreInstance[] => {
      this.#requireActive();
      if (routing.global) return this.#globalInstance(storeName, stale);
      const found: LocalStoreInstance[] = [];
      for (const thread of context.threads()) {
        if (thread.state === 'DEAD' || thread.state === 'PENDING_SHUTDOWN') continue;
        if (!stale && thread.state !== 'RUNNING') continue;
        for (const instance of thread.stores.instances(storeName, stale)) if (partition === undefined || instance.partition === partition) found.push(instance);
      }
      if (found.length > 0) return found;
      const why = context.state() === 'REBALANCING' ? 'the client is rebalancing or restoring' : 'it may have migrated to another instance';
      throw unavailable(`state store "${storeName}"${partition === undefined ? '' : ` partition ${partition}`} is not available here now (${why}); retry`, { store: storeName, state: context.state(), ...(partition === undefined ? {} : { partition }) });
    };
    return {
      storeName,
      all,
      forKey(key: unknown): LocalStoreInstance[] {
        const copies = all();
        if (routing.global || serde === undefined) return copies;
        let keyPartition: number;
        try {
          keyPartition = routing.partitionOf(serde, key);
        } catch {
          // The store is keyed otherwise than its input: ask every copy, as Kafka Streams does.
          return copies;
        }
        if (partition !== undefined && keyPartition !== partition) return [];
        const owner = copies.filter((c) => c.partition === keyPartition);
        if (owner.length > 0) return owner;
        throw unavailable(`partition ${keyPartition} of state store "${storeName}", which holds this key, is not ${stale ? 'active or standby' : 'active'} on this instance; ask queryMetadataForKey() for its host, or retry`, { store: storeName, partition: keyPartition });
      },
      keyBytes(key: unknown): Buffer | undefined {
        if (serde === undefined) return undefined;
        try {
          return serde.serialize(keyTopic, key) ?? undefined;
        } catch {
          return undefined;
        }
      },
    };
  }

  #globalInstance(storeName: string, stale: boolean): LocalStoreInstance[] {
    const global = this.#context.global();
    const store = global?.stores.get(storeName);
    if (global === undefined || store === undefined || !(global.state === 'RUNNING' || (stale && global.state === 'RESTORING')) || !store.isOpen()) {
      throw unavailable(`global store "${storeName}" is not available yet (the global thread is ${global?.state ?? 'not started'}); retry`, { store: storeName });
    }
    return [{ storeName, taskId: 'global', partition: 0, store, standby: false }];
  }
}
