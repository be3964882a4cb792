/**
 * A consumer group member, batch-oriented as a stream thread needs it: `poll()` returns
 * every record one fetch round brought (one request per partition leader), and runs the
 * rebalance listener first when the group rebalanced, as the Java consumer does inside
 * `poll()`. The listener therefore never runs concurrently with the caller's processing.
 *
 * Rebalances are eager: before this member rejoins, it waits (up to
 * `rebalance.timeout.ms`) until the next `poll()` has run `onPartitionsRevoked`, so the
 * caller can commit its work before the partitions move; it keeps heartbeating meanwhile.
 * `onPartitionsAssigned` runs once the new partitions' positions are known: under
 * read_committed these are stable committed offsets, so a previous owner's transaction
 * has ended before the listener reads any state the partitions' work left behind.
 */

import { Consumer } from './library.ts';
import { KstError } from '../../common/errors.ts';
import type { Assignment, Assignor } from './assignor.ts';
import { hookApis, type ApiFunction } from './api-hooks.ts';
import { isolationLevelCode, toBaseOptions, type KafkaClientConfig, type KafkaConsumerConfig } from './config.ts';
import { isTransientCoordinatorError, mapped, toKstError } from './errors.ts';
import { fetchRound, type FetchSettings, type PartitionState } from './fetcher.ts';
import { listOffsetsRetrying } from './list-offsets.ts';
import { GroupCoordinator, offsetCommitTopics } from './group-coordinator.ts';
import { interceptGroupProtocol, type WireConsumer } from './membership.ts';
import { groupByTopic, partitionKey, type ConsumerGroupMetadata, type RecordBatch, type TopicPartition, type TopicPartitionOffset } from './types.ts';

/** Called inside `poll()` (and `close()` for the final revocation). */
export interface RebalanceListener {
  /** When it throws, `poll()` rethrows, nothing is fetched, and the next `poll()` delivers the assignment again. */
  onPartitionsAssigned?(assignment: Assignment): void | Promise<void>;
  /** `lost`: the membership had already expired, so commits for these partitions will fail. */
  onPartitionsRevoked?(partitions: readonly TopicPartition[], info: { readonly lost: boolean }): void | Promise<void>;
}

export interface KafkaConsumerOptions {
  readonly assignor: Assignor;
  readonly listener?: RebalanceListener;
  /**
   * Static membership (KIP-345): a restart within `session.timeout.ms` takes the member's
   * old place, with its assignment, and the rest of the group does not rebalance. A
   * static member does not leave the group on `close()` unless asked (`leaveGroup`).
   */
  readonly groupInstanceId?: string;
  /**
   * For fault-injection tests: hooks on the library's API functions by name (see
   * `api-hooks.ts`), installed over the adapter's own, e.g. a JoinGroup that answers
   * NOT_COORDINATOR a number of times.
   */
  readonly apiHooks?: Readonly<Record<string, (api: ApiFunction) => ApiFunction>>;
}

/** The longest wait between two joins of a member whose joins fail while the coordinator is away. */
const MAX_REJOIN_BACKOFF_MS = 5_000;

export interface ConsumerCloseOptions {
  /**
   * Send LeaveGroup, so the group rebalances at once (scale-down). Dynamic members
   * always leave; a static member leaves only when this is true, otherwise its place
   * waits `session.timeout.ms` for a restart.
   */
  readonly leaveGroup?: boolean;
}

type GroupEvent = { readonly kind: 'revoke'; readonly lost: boolean; readonly release: (error?: Error) => void } | { readonly kind: 'assign'; readonly assignment: Assignment };

function noop(): void {}

/** See the consumer's options: how long a closed consumer's stray timer may hold the process. */
const STALL_TIMER_MS = 1_000;

const EMPTY_BATCH: RecordBatch = Object.freeze({ records: Object.freeze([]), nextOffsets: Object.freeze([]) });

/**
 * @example
 * ```ts
 * const consumer = new KafkaConsumer(clientConfig, kafkaConsumerConfig.parse({ 'group.id': 'app', 'isolation.level': 'read_committed' }), { assignor });
 * consumer.subscribe(['orders.commands']);
 * while (running) {
 *   const batch = await consumer.poll();
 *   // process batch.records, then commit batch.nextOffsets (or send them in a transaction)
 * }
 * await consumer.close();
 * ```
 */
export class KafkaConsumer {
  readonly groupId: string;
  readonly #consumer: WireConsumer;
  readonly #client: KafkaClientConfig;
  readonly #config: KafkaConsumerConfig;
  readonly #listener: RebalanceListener;
  readonly #coordinator: GroupCoordinator;
  readonly #settings: FetchSettings;
  readonly #groupInstanceId: string | null;
  readonly #positions = new Map<string, PartitionState>();
  #assignment: Assignment | null = null;
  #events: GroupEvent[] = [];
  #revoking: Promise<void> | null = null;
  #joinerOwns = false;
  #leaveOnClose = true;
  #fenced = false;
  #wake: (() => void) | null = null;
  #error: unknown = null;
  #closed = false;
  #rejoinTimer: NodeJS.Timeout | undefined;
  /** Joins that failed in a row while the coordinator was away; sets the backoff. */
  #joinFailures = 0;

  constructor(client: KafkaClientConfig, config: KafkaConsumerConfig, options: KafkaConsumerOptions) {
    this.groupId = config['group.id'];
    this.#client = client;
    this.#config = config;
    this.#listener = options.listener ?? {};
    this.#groupInstanceId = options.groupInstanceId ?? null;
    this.#settings = {
      maxWaitMs: config['fetch.max.wait.ms'],
      minBytes: config['fetch.min.bytes'],
      maxBytes: config['fetch.max.bytes'],
      maxPartitionBytes: config['max.partition.fetch.bytes'],
      isolationLevel: isolationLevelCode(config['isolation.level']),
    };
    const assignor = options.assignor;
    this.#consumer = new Consumer<Buffer, Buffer, Buffer, Buffer>({
      ...toBaseOptions(client, `consumer-${this.groupId}`),
      groupId: this.groupId,
      ...(options.groupInstanceId === undefined ? {} : { groupInstanceId: options.groupInstanceId }),
      sessionTimeout: config['session.timeout.ms'],
      rebalanceTimeout: config['rebalance.timeout.ms'],
      heartbeatInterval: config['heartbeat.interval.ms'],
      protocols: [{ name: assignor.name, version: assignor.version }],
      protocolsMetadata: (_protocols, topics) => Promise.resolve(assignor.metadata(topics)),
      // Our SyncGroup hook replaces whatever the library computes; keep its work minimal.
      partitionAssigner: () => [],
      autocommit: false,
      isolationLevel: this.#settings.isolationLevel,
      // The library's heartbeat-stall timer only emits an event we do not use, but a join
      // that fails because the consumer closed re-arms it, ref'd, for this long (by default
      // the rebalance timeout: minutes), keeping a closed client's process alive. Short.
      heartbeatStallTimeout: STALL_TIMER_MS,
    });
    this.#consumer.on('error', (error: unknown) => this.#onLibraryError(error));
    this.#coordinator = new GroupCoordinator(this.#consumer, this.groupId, client.retries, client['retry.backoff.ms']);
    interceptGroupProtocol(this.#consumer, assignor, {
      groupInstanceId: this.#groupInstanceId,
      sendLeaveGroup: () => this.#leaveOnClose,
      fenced: (error) => {
        this.#fenced = true;
        this.#fail(new KstError('KST_KAFKA_INSTANCE_FENCED', `another member joined group ${this.groupId} with group.instance.id ${this.#groupInstanceId}; this one stops`, { groupId: this.groupId, groupInstanceId: this.#groupInstanceId }, { cause: error }));
      },
      beforeJoin: (memberId) => this.#beforeJoin(memberId),
      assigned: (assignment) => {
        this.#joinerOwns = assignment.partitions.length > 0;
        this.#events.push({ kind: 'assign', assignment });
        this.#wakeUp();
      },
      partitionCounts: async (topics) => {
        const metadata = await this.#consumer.metadata({ topics: [...topics], forceUpdate: true });
        return new Map(topics.flatMap((t) => {
          const topic = metadata.topics.get(t);
          return topic === undefined ? [] : [[t, topic.partitionsCount] as const];
        }));
      },
    });
    if (options.apiHooks !== undefined) hookApis(this.#consumer, options.apiHooks);
  }

  /** Joins the group for these topics; the assignment arrives through `poll()`. */
  subscribe(topics: readonly string[]): void {
    this.#check();
    for (const topic of topics) this.#consumer.topics.track(topic);
    this.#join();
  }

  /**
   * Rejoins the group, as the Java consumer's `enforceRebalance`: the partitions are
   * revoked in the next `poll()` and the group assigns again (a streams probing rebalance).
   */
  requestRejoin(): void {
    if (this.#closed || this.#fenced) return;
    this.#join();
  }

  /**
   * Runs pending rebalance callbacks, then fetches once from every owned, unpaused
   * partition. Waits at most `fetch.max.wait.ms` when there is nothing to fetch.
   */
  async poll(): Promise<RecordBatch> {
    this.#check();
    await this.#runEvents();
    const states = [...this.#positions.values()];
    if (states.some((s) => s.offset === null)) await this.#initPositions(states.filter((s) => s.offset === null));
    if (!states.some((s) => !s.paused && s.offset !== null)) {
      await this.#waitForEvent(this.#settings.maxWaitMs);
      return EMPTY_BATCH;
    }
    const round = await mapped('KST_KAFKA_CONSUMER', 'fetching records failed', { groupId: this.groupId }, () => fetchRound(this.#consumer, states, this.#settings));
    if (round.outOfRange.length > 0) {
      for (const state of round.outOfRange) state.offset = null;
      // The other partitions' positions moved past the records of this round: a failed reset
      // must not lose them. A position left unknown is looked up again by the next poll.
      await this.#initPositions(round.outOfRange, true).catch(() => undefined);
    }
    return round.records.length === 0 && round.nextOffsets.length === 0 ? EMPTY_BATCH : round;
  }

  /** Commits offsets (next offset to read) for this generation; a stale one fails with `KST_KAFKA_REBALANCE`. */
  async commit(offsets: readonly TopicPartitionOffset[]): Promise<void> {
    this.#check();
    if (offsets.length === 0) return;
    const group = this.groupMetadata();
    await mapped('KST_KAFKA_CONSUMER', 'committing offsets failed', { groupId: this.groupId }, () =>
      this.#coordinator.call('OffsetCommit', group.groupId, group.generationId, group.memberId, group.groupInstanceId, offsetCommitTopics(offsets)));
  }

  /** Continues a partition at `offset` (the next record to read) from the next `poll()`. */
  seek(partition: TopicPartition, offset: bigint): void {
    this.#owned(partition).offset = offset;
  }

  pause(partitions: readonly TopicPartition[]): void {
    for (const partition of partitions) this.#owned(partition).paused = true;
  }

  resume(partitions: readonly TopicPartition[]): void {
    for (const partition of partitions) this.#owned(partition).paused = false;
  }

  /**
   * Records known to be on the broker past the position (end offset of the last fetch
   * response naming the partition, minus the position), as the Java consumer's
   * `currentLag`: undefined while either is unknown or the partition is not owned.
   * Kafka Streams decides from it whether a task may process without this partition's data.
   */
  currentLag(partition: TopicPartition): bigint | undefined {
    const state = this.#positions.get(partitionKey(partition.topic, partition.partition));
    if (state === undefined || state.offset === null || state.endOffset === undefined) return undefined;
    const lag = state.endOffset - state.offset;
    return lag > 0n ? lag : 0n;
  }

  /** The next offset `poll()` reads per owned partition (unknown positions left out). */
  positions(): TopicPartitionOffset[] {
    const out: TopicPartitionOffset[] = [];
    for (const s of this.#positions.values()) if (s.offset !== null) out.push({ topic: s.topic, partition: s.partition, offset: s.offset, leaderEpoch: s.leaderEpoch });
    return out;
  }

  /** The assignment the caller currently holds (as last delivered to the listener). */
  assignment(): Assignment | null {
    return this.#assignment;
  }

  /** Generation of the held assignment, for `TransactionalProducer.sendOffsets` (KIP-447 fencing). */
  groupMetadata(): ConsumerGroupMetadata {
    return {
      groupId: this.groupId,
      generationId: this.#assignment?.generationId ?? this.#consumer.generationId,
      memberId: this.#assignment?.memberId ?? this.#consumer.memberId ?? '',
      groupInstanceId: this.#groupInstanceId,
    };
  }

  /**
   * Revokes held partitions through the listener, leaves the group (a static member only
   * with `leaveGroup`) and closes connections.
   */
  async close(options: ConsumerCloseOptions = {}): Promise<void> {
    if (this.#closed) return;
    this.#leaveOnClose = this.#groupInstanceId === null || options.leaveGroup === true;
    let listenerError: unknown = null;
    try {
      await this.#runEvents();
      await this.#revoke(false);
    } catch (error) {
      listenerError = error;
    }
    this.#closed = true;
    clearTimeout(this.#rejoinTimer);
    this.#rejoinTimer = undefined;
    for (const event of this.#events) if (event.kind === 'revoke') event.release(new Error('consumer closed'));
    this.#events = [];
    this.#wakeUp();
    await mapped('KST_KAFKA_CONNECTION', 'closing the consumer failed', { groupId: this.groupId }, () => this.#consumer.close(true));
    if (listenerError !== null) throw listenerError;
  }

  /**
   * Joins the group. The library retries a join a few times; a join that still fails
   * because the coordinator is away (a fresh cluster still creating `__consumer_offsets`,
   * a coordinator moving or loading after a broker restart, brokers unreachable) is tried
   * again after a growing backoff until it succeeds or the consumer closes, as a Java
   * consumer keeps looking for its coordinator: failing it would leave the member out of
   * its group for good. Any other failure reaches the next `poll()`.
   */
  #join(): void {
    this.#consumer.joinGroup({}).then(
      () => {
        this.#joinFailures = 0;
      },
      (error: unknown) => {
        if (this.#closed || this.#fenced) return;
        if (isTransientCoordinatorError(error)) this.#scheduleJoin();
        else this.#fail(error);
      },
    );
  }

  #scheduleJoin(): void {
    if (this.#rejoinTimer !== undefined || this.#closed) return;
    const backoffMs = Math.min(this.#client['retry.backoff.ms'] * 2 ** Math.min(this.#joinFailures, 10), MAX_REJOIN_BACKOFF_MS);
    this.#joinFailures += 1;
    this.#rejoinTimer = setTimeout(() => {
      this.#rejoinTimer = undefined;
      if (!this.#closed && !this.#fenced) this.#join();
    }, backoffMs);
  }

  /**
   * The library reports a failed rejoin (after a heartbeat said the group rebalances) as
   * an error event and stops heartbeating: when the coordinator was away, this member is
   * out of the group and joins again itself (see `#join`).
   */
  #onLibraryError(error: unknown): void {
    if (!this.#closed && !this.#fenced && isTransientCoordinatorError(error) && !this.#consumer.isActive()) {
      this.#scheduleJoin();
      return;
    }
    this.#fail(error);
  }

  #beforeJoin(memberId: string): Promise<void> {
    if (this.#closed) return Promise.reject(new Error('consumer closed'));
    // Rejoining would take the instance id back from the process that replaced this one.
    if (this.#fenced) return Promise.reject(new Error(`group.instance.id ${this.#groupInstanceId} is fenced`));
    if (this.#revoking !== null) return this.#revoking;
    if (!this.#joinerOwns) return Promise.resolve();
    this.#joinerOwns = false;
    const revoking = new Promise<void>((resolve, reject) => {
      // A caller that stops polling must not block the group forever: after the rebalance
      // timeout the join goes ahead, and the late revocation reports the partitions lost.
      const stopHeartbeats = memberId === '' ? noop : this.#heartbeatWhileRevoking(memberId);
      const timer = setTimeout(() => {
        stopHeartbeats();
        resolve();
      }, this.#config['rebalance.timeout.ms']).unref();
      const release = (error?: Error): void => {
        clearTimeout(timer);
        stopHeartbeats();
        if (error === undefined) resolve();
        else reject(error);
      };
      this.#events.push({ kind: 'revoke', lost: memberId === '', release });
    }).finally(() => {
      this.#revoking = null;
    });
    this.#revoking = revoking;
    this.#wakeUp();
    return revoking;
  }

  /**
   * The library stops heartbeating once the group rebalances; a revocation that commits a
   * large transaction may outlast the session timeout, and the coordinator would then
   * drop this member and hand its partitions over while it still commits. As the Java
   * consumer does until it sends its JoinGroup, keep heartbeating (the answer is
   * REBALANCE_IN_PROGRESS, which keeps the session) until the revocation is done.
   */
  #heartbeatWhileRevoking(memberId: string): () => void {
    const generationId = this.#consumer.generationId;
    const beat = (): void => {
      this.#coordinator.call('Heartbeat', this.groupId, generationId, memberId, this.#groupInstanceId).catch(noop);
    };
    // Never what keeps a process alive: it only matters while the member is in use.
    const interval = setInterval(beat, this.#config['heartbeat.interval.ms']).unref();
    return () => clearInterval(interval);
  }

  async #runEvents(): Promise<void> {
    while (this.#events.length > 0) {
      const event = this.#events.shift() as GroupEvent;
      if (event.kind === 'revoke') {
        try {
          await this.#revoke(event.lost);
        } finally {
          event.release();
        }
        continue;
      }
      this.#assignment = event.assignment;
      this.#positions.clear();
      for (const { topic, partition } of event.assignment.partitions) {
        this.#positions.set(partitionKey(topic, partition), { topic, partition, offset: null, leaderEpoch: -1, paused: false });
      }
      try {
        // Positions before the listener: under read_committed the committed offsets are
        // fetched stable (KIP-447), which waits until a previous owner's transaction that
        // committed offsets for these partitions has ended. Only then may the listener read
        // state up to the last stable offset of a changelog: a transaction of that owner
        // still open would hide its writes from the restore, and commit its offsets after.
        await this.#initPositions([...this.#positions.values()]);
        await this.#listener.onPartitionsAssigned?.(event.assignment);
      } catch (error) {
        // A half-taken assignment must not be fetched: the caller has nothing to route
        // the records to. It is delivered again at the next poll, unless a newer group
        // event already replaced it; the membership itself stays valid meanwhile.
        this.#assignment = null;
        this.#positions.clear();
        if (this.#events.length === 0) this.#events.unshift(event);
        throw error;
      }
    }
  }

  async #revoke(lost: boolean): Promise<void> {
    const held = this.#assignment;
    this.#assignment = null;
    this.#positions.clear();
    if (held !== null && held.partitions.length > 0) await this.#listener.onPartitionsRevoked?.(held.partitions, { lost });
  }

  /** Committed offsets first (stable ones under read_committed, KIP-447), else `auto.offset.reset`; then the partitions' ends. */
  async #initPositions(states: readonly PartitionState[], skipCommitted = false): Promise<void> {
    // A member assigned no partition (a Connect worker without the config partition) asks nothing.
    if (states.length === 0) return;
    await this.#initOffsets(states, skipCommitted);
    await this.#seedEndOffsets(states.filter((state) => state.endOffset === undefined));
  }

  /**
   * The end (high watermark, or last stable offset under read_committed) of newly owned
   * partitions, listed once, so `currentLag` is known before any fetch answers for them:
   * a fetch session may leave a partition out of every response while nothing changes on
   * it, and a task waiting for a known lag (max.task.idle.ms) would wait for ever. Later
   * fetch responses keep it current.
   */
  async #seedEndOffsets(states: readonly PartitionState[]): Promise<void> {
    if (states.length === 0) return;
    const byTopic = groupByTopic(states);
    const partitions: Record<string, number[]> = {};
    for (const [topic, list] of byTopic) partitions[topic] = list.map((s) => s.partition);
    const offsets = await mapped('KST_KAFKA_CONSUMER', 'listing end offsets failed', { groupId: this.groupId }, () =>
      listOffsetsRetrying(this.#consumer, this.#client, { topics: [...byTopic.keys()], partitions, timestamp: -1n, isolationLevel: this.#settings.isolationLevel }));
    for (const state of states) {
      const end = offsets.get(state.topic)?.[state.partition];
      if (end !== undefined && state.endOffset === undefined) state.endOffset = end;
    }
  }

  async #initOffsets(states: readonly PartitionState[], skipCommitted: boolean): Promise<void> {
    const missing: PartitionState[] = [];
    if (skipCommitted) missing.push(...states);
    else {
      const committed = await this.#committed(states);
      for (const state of states) {
        const found = committed.get(partitionKey(state.topic, state.partition));
        if (found === undefined) missing.push(state);
        else state.offset = found;
      }
    }
    if (missing.length === 0) return;
    const policy = this.#config['auto.offset.reset'];
    if (policy === 'none') {
      throw new KstError('KST_KAFKA_CONSUMER', `no committed offset for ${missing.map((s) => `${s.topic}-${s.partition}`).join(', ')} and auto.offset.reset is none`, { groupId: this.groupId });
    }
    const byTopic = groupByTopic(missing);
    const partitions: Record<string, number[]> = {};
    for (const [topic, list] of byTopic) partitions[topic] = list.map((s) => s.partition);
    const offsets = await mapped('KST_KAFKA_CONSUMER', 'listing offsets failed', { groupId: this.groupId }, () =>
      listOffsetsRetrying(this.#consumer, this.#client, { topics: [...byTopic.keys()], partitions, timestamp: policy === 'earliest' ? -2n : -1n, isolationLevel: this.#settings.isolationLevel }));
    for (const state of missing) {
      const offset = offsets.get(state.topic)?.[state.partition];
      if (offset === undefined) throw new KstError('KST_KAFKA_CONSUMER', `no offset listed for ${state.topic}-${state.partition}`, { groupId: this.groupId });
      state.offset = offset;
    }
  }

  async #committed(states: readonly PartitionState[]): Promise<Map<string, bigint>> {
    const topics = [...groupByTopic(states)].map(([name, list]) => ({ name, partitionIndexes: list.map((s) => s.partition) }));
    const response = await mapped('KST_KAFKA_CONSUMER', 'fetching committed offsets failed', { groupId: this.groupId }, () =>
      this.#coordinator.call<{ groups: Array<{ topics: Array<{ name: string; partitions: Array<{ partitionIndex: number; committedOffset: bigint }> }> }> }>(
        'OffsetFetch', [{ groupId: this.groupId, memberId: null, memberEpoch: -1, topics }], this.#settings.isolationLevel === 1));
    const out = new Map<string, bigint>();
    for (const group of response.groups) {
      for (const topic of group.topics) {
        for (const p of topic.partitions) if (p.committedOffset >= 0n) out.set(partitionKey(topic.name, p.partitionIndex), p.committedOffset);
      }
    }
    return out;
  }

  #owned(partition: TopicPartition): PartitionState {
    const state = this.#positions.get(partitionKey(partition.topic, partition.partition));
    if (state === undefined) throw new KstError('KST_KAFKA_CONSUMER', `partition ${partition.topic}-${partition.partition} is not assigned to this member`, { groupId: this.groupId, ...partition });
    return state;
  }

  #waitForEvent(ms: number): Promise<void> {
    if (this.#events.length > 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#wake = null;
        resolve();
      }, ms);
      this.#wake = () => {
        clearTimeout(timer);
        this.#wake = null;
        resolve();
      };
    });
  }

  #wakeUp(): void {
    this.#wake?.();
  }

  #fail(error: unknown): void {
    if (this.#closed) return;
    this.#error ??= error;
    this.#wakeUp();
  }

  #check(): void {
    if (this.#closed) throw new KstError('KST_ILLEGAL_STATE_TRANSITION', 'the consumer is closed', { groupId: this.groupId });
    if (this.#error !== null) {
      const error = this.#error;
      this.#error = null;
      throw toKstError(error, 'KST_KAFKA_CONSUMER', 'the group membership failed', { groupId: this.groupId });
    }
  }
}
