/**
 * Direct protocol calls to a consumer group's coordinator: offset commits and fetches,
 * and transactional offset commits. The library's own helpers for these either commit
 * one offset per request (`Transaction.addOffset`), silently rejoin the group on a stale
 * generation (`Consumer.commit`), or cannot ask for stable offsets (KIP-447
 * `requireStable`); calling the APIs ourselves gives one request per batch and errors
 * that surface as `KST_KAFKA_REBALANCE` for the caller to act on.
 */

import { FindCoordinatorKeyTypes, kGetApi, kGetBootstrapConnection, kGetConnection, type Base, type Connection } from './library.ts';
import { hasProtocolError, protocolErrorIds } from './errors.ts';

// The library's API objects are callback functions with an `async` twin; their argument
// lists are typed per version, which this module does not need.
interface AnyApi {
  readonly version: number;
  readonly async: (connection: Connection, ...args: unknown[]) => Promise<unknown>;
}

/** The parts of any library client (consumer, producer) this module uses. */
type AnyClient = Pick<Base, typeof kGetApi | typeof kGetBootstrapConnection | typeof kGetConnection | 'metadata'>;

function getApi(client: AnyClient, name: string): Promise<AnyApi> {
  return new Promise((resolve, reject) => {
    client[kGetApi](name, (error, api) => (error === null && api !== undefined ? resolve(api as unknown as AnyApi) : reject(error)));
  });
}

function bootstrapConnection(client: AnyClient): Promise<Connection> {
  return new Promise((resolve, reject) => {
    client[kGetBootstrapConnection]((error, connection) => (error === null && connection !== undefined ? resolve(connection) : reject(error)));
  });
}

function brokerConnection(client: AnyClient, broker: { host: string; port: number }): Promise<Connection> {
  return new Promise((resolve, reject) => {
    client[kGetConnection](broker, (error, connection) => (error === null && connection !== undefined ? resolve(connection) : reject(error)));
  });
}

const RETRIABLE = new Set(['NOT_COORDINATOR', 'COORDINATOR_NOT_AVAILABLE', 'COORDINATOR_LOAD_IN_PROGRESS', 'CONCURRENT_TRANSACTIONS', 'UNSTABLE_OFFSET_COMMIT', 'REQUEST_TIMED_OUT']);
const COORDINATOR_MOVED = ['NOT_COORDINATOR', 'COORDINATOR_NOT_AVAILABLE'];

/**
 * Calls group-coordinator APIs through one client's connection pool, finding and caching
 * the coordinator and following it when it moves.
 */
export class GroupCoordinator {
  readonly #client: AnyClient;
  readonly #groupId: string;
  readonly #retries: number;
  readonly #backoffMs: number;
  #node: number | null = null;

  constructor(client: AnyClient, groupId: string, retries: number, backoffMs: number) {
    this.#client = client;
    this.#groupId = groupId;
    this.#retries = retries;
    this.#backoffMs = backoffMs;
  }

  /**
   * Calls `api` on the coordinator with `args`. Retries what Kafka calls retriable for
   * coordinator requests (moved coordinator, pending transactional offsets...); every
   * other error, including a stale generation, is thrown at once.
   */
  async call<T>(apiName: string, ...args: unknown[]): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        const api = await getApi(this.#client, apiName);
        const connection = await this.#connection();
        return (await api.async(connection, ...args)) as T;
      } catch (error) {
        if (COORDINATOR_MOVED.some((id) => hasProtocolError(error, id)) || isNetworkError(error)) this.#node = null;
        const retriable = isNetworkError(error) || [...protocolErrorIds(error)].some((id) => RETRIABLE.has(id));
        if (!retriable || attempt >= this.#retries) throw error;
        await new Promise((resolve) => setTimeout(resolve, this.#backoffMs * (attempt + 1)));
      }
    }
  }

  async #connection(): Promise<Connection> {
    if (this.#node === null) {
      const api = await getApi(this.#client, 'FindCoordinator');
      const response = (await api.async(await bootstrapConnection(this.#client), FindCoordinatorKeyTypes.GROUP, [this.#groupId])) as {
        coordinators?: Array<{ nodeId: number }>;
        nodeId?: number;
      };
      this.#node = response.coordinators?.[0]?.nodeId ?? response.nodeId ?? null;
      if (this.#node === null) throw new Error(`no coordinator found for group ${this.#groupId}`);
    }
    const metadata = await this.#client.metadata({ topics: [] });
    let broker = metadata.brokers.get(this.#node);
    if (broker === undefined) {
      const refreshed = await this.#client.metadata({ topics: [], forceUpdate: true });
      broker = refreshed.brokers.get(this.#node);
      if (broker === undefined) {
        this.#node = null;
        throw Object.assign(new Error(`coordinator ${this.#groupId} not in metadata`), { apiId: 'COORDINATOR_NOT_AVAILABLE' });
      }
    }
    return brokerConnection(this.#client, broker);
  }
}

function isNetworkError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'PLT_KFK_NETWORK';
}

/** Offsets in the request shape shared by OffsetCommit and TxnOffsetCommit. */
export function offsetCommitTopics(offsets: ReadonlyArray<{ topic: string; partition: number; offset: bigint; leaderEpoch?: number }>) {
  const topics = new Map<string, { name: string; partitions: Array<{ partitionIndex: number; committedOffset: bigint; committedLeaderEpoch: number; committedMetadata: null }> }>();
  for (const { topic, partition, offset, leaderEpoch } of offsets) {
    let entry = topics.get(topic);
    if (entry === undefined) {
      entry = { name: topic, partitions: [] };
      topics.set(topic, entry);
    }
    entry.partitions.push({ partitionIndex: partition, committedOffset: offset, committedLeaderEpoch: leaderEpoch ?? -1, committedMetadata: null });
  }
  return [...topics.values()];
}
