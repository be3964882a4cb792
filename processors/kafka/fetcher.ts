/**
 * One fetch round over the partitions a consumer owns: one Fetch request per partition
 * leader, all in flight together, records appended to one array. The library's
 * `Consumer.fetch` does the wire work (incremental fetch sessions, read_committed
 * filtering of aborted transactions); this module decides what to ask for and turns the
 * answer into our records and positions.
 */

import { hasProtocolError } from './errors.ts';
import { abortedOf } from './fetch-decoder.ts';
import type { WireConsumer } from './membership.ts';
import { appendFetchedRecords } from './records.ts';
import type { KafkaRecord, TopicPartitionOffset } from './types.ts';

type FetchResponse = Awaited<ReturnType<WireConsumer['fetch']>>;
type FetchRequestTopic = Parameters<WireConsumer['fetch']>[0]['topics'][number];

/** A partition's consumer-side state. `offset === null`: position not known yet. */
export interface PartitionState {
  readonly topic: string;
  readonly partition: number;
  offset: bigint | null;
  leaderEpoch: number;
  paused: boolean;
  /**
   * The partition's end as the last fetch response gave it: the high watermark, or the
   * last stable offset under read_committed. With `offset`, it gives the consumer's known
   * lag (as the Java consumer's `currentLag`); undefined until a response named it.
   */
  endOffset?: bigint;
}

export interface FetchSettings {
  readonly maxWaitMs: number;
  readonly minBytes: number;
  readonly maxBytes: number;
  readonly maxPartitionBytes: number;
  readonly isolationLevel: 0 | 1;
}

export interface FetchRound {
  readonly records: KafkaRecord[];
  readonly nextOffsets: TopicPartitionOffset[];
  /** Partitions whose position the broker no longer has (retention, truncation). */
  readonly outOfRange: PartitionState[];
}

/** The answers of one fetch round, not applied to the positions yet (see `applyFetched`). */
interface FetchedRound {
  readonly names: ReadonlyMap<string, string>;
  readonly answers: ReadonlyArray<{ readonly requested: ReadonlyMap<string, PartitionState>; readonly sentOffsets: ReadonlyMap<PartitionState, bigint>; readonly response: FetchResponse }>;
  readonly outOfRange: readonly PartitionState[];
}

/**
 * Fetches once from every leader of a fetchable partition and returns the answers without
 * moving any position: every leader answers before anything is applied, so a round that
 * fails for one leader (a broker restart) leaves every position where it was and a retried
 * poll loses nothing.
 */
async function fetchAnswers(consumer: WireConsumer, states: readonly PartitionState[], settings: FetchSettings): Promise<FetchedRound> {
  const outOfRange: PartitionState[] = [];
  const names = new Map<string, string>();
  const fetchable = states.filter((s) => !s.paused && s.offset !== null);
  if (fetchable.length === 0) return { names, answers: [], outOfRange };
  const topics = [...new Set(fetchable.map((s) => s.topic))];
  const metadata = await consumer.metadata({ topics });

  const byNode = new Map<number, { request: Map<string, FetchRequestTopic>; states: Map<string, PartitionState> }>();
  for (const state of fetchable) {
    const topic = metadata.topics.get(state.topic);
    const partition = topic?.partitions[state.partition];
    if (topic === undefined || partition === undefined) continue;
    names.set(topic.id, state.topic);
    let node = byNode.get(partition.leader);
    if (node === undefined) {
      node = { request: new Map(), states: new Map() };
      byNode.set(partition.leader, node);
    }
    let requestTopic = node.request.get(topic.id);
    if (requestTopic === undefined) {
      requestTopic = { topicId: topic.id, partitions: [] };
      node.request.set(topic.id, requestTopic);
    }
    requestTopic.partitions.push({
      partition: state.partition,
      fetchOffset: state.offset as bigint,
      currentLeaderEpoch: partition.leaderEpoch,
      lastFetchedEpoch: -1,
      partitionMaxBytes: settings.maxPartitionBytes,
    });
    node.states.set(`${topic.id}:${state.partition}`, state);
  }

  const answers = await Promise.all([...byNode].map(async ([node, { request, states: requested }]) => {
    const sentOffsets = new Map<PartitionState, bigint>();
    for (const state of requested.values()) sentOffsets.set(state, state.offset as bigint);
    try {
      const response = await consumer.fetch({ node, topics: [...request.values()], maxWaitTime: settings.maxWaitMs, minBytes: settings.minBytes, maxBytes: settings.maxBytes, isolationLevel: settings.isolationLevel });
      return { requested, sentOffsets, response };
    } catch (error) {
      if (!hasProtocolError(error, 'OFFSET_OUT_OF_RANGE')) throw error;
      const partial = (error as { response?: FetchResponse }).response;
      for (const topic of partial?.responses ?? []) {
        for (const p of topic.partitions) {
          const state = requested.get(`${topic.topicId}:${p.partitionIndex}`);
          if (state !== undefined && p.errorCode === 1) outOfRange.push(state);
        }
      }
      return null;
    }
  }));
  return { names, answers: answers.filter((answer) => answer !== null), outOfRange };
}

/**
 * Moves the positions past what a round fetched and returns its records. A partition whose
 * position changed since the request (seek, revocation) keeps its position and its data
 * is dropped.
 */
function applyFetched(fetched: FetchedRound, settings: FetchSettings): FetchRound {
  const round: FetchRound = { records: [], nextOffsets: [], outOfRange: [...fetched.outOfRange] };
  for (const { requested, sentOffsets, response } of fetched.answers) {
    for (const topic of response.responses) {
      const name = fetched.names.get(topic.topicId) ?? topic.topicId;
      for (const p of topic.partitions) {
        const state = requested.get(`${topic.topicId}:${p.partitionIndex}`);
        // Fetch sessions may return partitions we no longer ask for.
        if (state === undefined || state.offset !== sentOffsets.get(state)) continue;
        const end = settings.isolationLevel === 1 && p.lastStableOffset >= 0n ? p.lastStableOffset : p.highWatermark;
        if (p.errorCode === 0 && end >= 0n) state.endOffset = end;
        if (p.records == null || p.records.length === 0) continue;
        const from = state.offset as bigint;
        const next = appendFetchedRecords(round.records, name, p.partitionIndex, p.records, from, settings.isolationLevel === 1 ? abortedOf(p) : null);
        if (next !== from) {
          state.offset = next;
          const last = p.records[p.records.length - 1];
          if (last !== undefined) state.leaderEpoch = last.partitionLeaderEpoch;
          round.nextOffsets.push({ topic: name, partition: p.partitionIndex, offset: next, leaderEpoch: state.leaderEpoch });
        }
      }
    }
  }
  return round;
}

/** `fetchAnswers` then `applyFetched`: one round, applied at once. */
export async function fetchRound(consumer: WireConsumer, states: readonly PartitionState[], settings: FetchSettings): Promise<FetchRound> {
  return applyFetched(await fetchAnswers(consumer, states, settings), settings);
}
