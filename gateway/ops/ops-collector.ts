/**
 * What the ops page shows, gathered on demand: every instance of every service, found
 * from a few seed endpoints (any query server of each service) and then from the group's
 * host table each instance reports, asked with `InstanceOps.DescribeInstance` in parallel;
 * grouped by application id, each service with its topology, its instances (state,
 * threads, active and standby tasks, store lags) and its input partitions' committed lag
 * attributed to the instance that owns each (`group-lag.ts`).
 *
 * Only endpoints from the configuration or from a member's host table are called, never
 * one from a request. An instance that does not answer is listed with its error, so the
 * page shows a process that is down instead of hiding it.
 *
 * @example
 * ```ts
 * const collector = new OpsCollector({ seeds: ['127.0.0.1:50051', '127.0.0.1:50052'], deadlineMs: 3_000, token: () => tokens.current() });
 * const snapshot = await collector.collect();
 * snapshot.services.map((s) => [s.applicationId, s.instances.length]);
 * collector.close();
 * ```
 */

import * as grpc from '@grpc/grpc-js';
import { PeerClients, type Method } from '../grpc/peer-clients.ts';
import { opsServices, type InstanceDescriptionMessage, type TopicPartitionMessage, type TopologyMessage } from '../grpc/ops-proto.ts';
import type { GroupLagSource, PartitionLag } from './group-lag.ts';

export interface OpsCollectorOptions {
  /** Query servers to start from: at least one per service the page should show. */
  readonly seeds: readonly string[];
  readonly deadlineMs: number;
  /** Sent as `authorization: Bearer <token>`: a fixed token, or a function giving the current one. */
  readonly token?: string | (() => Promise<string>);
  /** Group lag of the input partitions; without it lags are left out (null). */
  readonly lag?: GroupLagSource;
}

export interface InstanceOps {
  readonly endpoint: string;
  /** Whether it answered; `error` says why not. */
  readonly reachable: boolean;
  readonly error?: string;
  readonly state: string;
  readonly processId: string;
  readonly threads: InstanceDescriptionMessage['threads'];
  readonly storeLags: InstanceDescriptionMessage['storeLags'];
  readonly activePartitions: readonly TopicPartitionMessage[];
  readonly standbyPartitions: readonly TopicPartitionMessage[];
  /** Records behind on the input partitions it owns (committed offsets); null when not known. */
  readonly consumerLag: number | null;
}

export interface ServiceOps {
  readonly applicationId: string;
  readonly topology: TopologyMessage;
  readonly instances: readonly InstanceOps[];
  /** Each input partition's committed lag and its owner; empty when lags are not known. */
  readonly partitions: ReadonlyArray<PartitionLag & { readonly owner: string }>;
  readonly lagError?: string;
}

export interface OpsSnapshot {
  readonly atMs: number;
  readonly services: readonly ServiceOps[];
  /** Seeds that did not answer, and why (their service is unknown until one answers). */
  readonly unreachable: ReadonlyArray<{ readonly endpoint: string; readonly error: string }>;
}

/** Where the ops routes read the snapshot from; `OpsCollector` is the real one. */
export interface OpsSource {
  collect(): Promise<OpsSnapshot>;
  close?(): Promise<void> | void;
}

type Answer = { readonly endpoint: string; readonly description?: InstanceDescriptionMessage; readonly error?: string };

const tpKey = (tp: { topic: string; partition: number }): string => `${tp.topic}\u0000${tp.partition}`;
const byEndpoint = (a: { endpoint: string }, b: { endpoint: string }): number => (a.endpoint < b.endpoint ? -1 : a.endpoint > b.endpoint ? 1 : 0);
const EMPTY_TOPOLOGY: TopologyMessage = { subtopologies: [], globalStores: [], text: '' };

export class OpsCollector implements OpsSource {
  readonly #options: OpsCollectorOptions;
  readonly #peers: PeerClients;
  readonly #method: Method;

  constructor(options: OpsCollectorOptions) {
    this.#options = options;
    this.#peers = new PeerClients({ deadlineMs: options.deadlineMs });
    this.#method = opsServices().InstanceOps.service['DescribeInstance'] as Method;
  }

  async collect(): Promise<OpsSnapshot> {
    const atMs = Date.now();
    const asked = new Map<string, Promise<Answer>>();
    let next = [...new Set(this.#options.seeds)];
    while (next.length > 0) {
      for (const endpoint of next) asked.set(endpoint, this.#describe(endpoint));
      const answers = await Promise.all(next.map((endpoint) => asked.get(endpoint) as Promise<Answer>));
      next = [...new Set(answers.flatMap((a) => a.description?.members.map((m) => m.endpoint) ?? []))].filter((endpoint) => !asked.has(endpoint));
    }
    const answers = await Promise.all(asked.values());
    return { atMs, services: await this.#services(answers), unreachable: answers.filter((a) => a.description === undefined && !this.#isMember(a.endpoint, answers)).map((a) => ({ endpoint: a.endpoint, error: a.error ?? 'no answer' })) };
  }

  async close(): Promise<void> {
    this.#peers.close();
    await this.#options.lag?.close();
  }

  #isMember(endpoint: string, answers: readonly Answer[]): boolean {
    return answers.some((a) => a.description?.members.some((m) => m.endpoint === endpoint) === true);
  }

  async #services(answers: readonly Answer[]): Promise<ServiceOps[]> {
    const described = answers.filter((a): a is Answer & { description: InstanceDescriptionMessage } => a.description !== undefined);
    const ids = [...new Set(described.map((a) => a.description.applicationId))].sort();
    return Promise.all(ids.map(async (applicationId) => {
      const own = described.filter((a) => a.description.applicationId === applicationId);
      // The freshest host table among the service's instances: every member, answering or not.
      const view = own.reduce((best, a) => (a.description.atMs >= best.description.atMs && a.description.members.length > 0 ? a : best), own[0] as (typeof own)[number]);
      const members = new Map(view.description.members.map((m) => [m.endpoint, m]));
      for (const a of own) if (!members.has(a.endpoint)) members.set(a.endpoint, { endpoint: a.endpoint, processId: '', activePartitions: [], standbyPartitions: [] });
      const partitions = [...members.values()].flatMap((m) => m.activePartitions.map((tp) => ({ ...tp, owner: m.endpoint })));
      const { lags, error } = await this.#lags(applicationId, partitions);
      const lagOf = new Map(lags.map((l) => [tpKey(l), l]));
      const instances = [...members.values()].map((member): InstanceOps => {
        const answer = answers.find((a) => a.endpoint === member.endpoint);
        const d = answer?.description;
        const mine = member.activePartitions.map((tp) => lagOf.get(tpKey(tp))?.lag);
        const consumerLag = lags.length === 0 && member.activePartitions.length > 0 ? null : mine.reduce<number | null>((sum, lag) => (sum === null || lag === undefined ? null : sum + lag), 0);
        return {
          endpoint: member.endpoint,
          reachable: d !== undefined,
          ...(d === undefined ? { error: answer?.error ?? 'not asked' } : {}),
          state: d?.state ?? 'UNREACHABLE',
          processId: member.processId,
          threads: d?.threads ?? [],
          storeLags: d?.storeLags ?? [],
          activePartitions: member.activePartitions,
          standbyPartitions: member.standbyPartitions,
          consumerLag,
        };
      }).sort(byEndpoint);
      const topology = own.find((a) => a.description.topology.subtopologies.length > 0)?.description.topology ?? EMPTY_TOPOLOGY;
      return {
        applicationId,
        topology,
        instances,
        partitions: lags.map((l) => ({ ...l, owner: partitions.find((p) => tpKey(p) === tpKey(l))?.owner ?? '' })),
        ...(error === undefined ? {} : { lagError: error }),
      };
    }));
  }

  async #lags(groupId: string, partitions: readonly TopicPartitionMessage[]): Promise<{ lags: PartitionLag[]; error?: string }> {
    const source = this.#options.lag;
    if (source === undefined || partitions.length === 0) return { lags: [] };
    try {
      return { lags: await source.of(groupId, partitions) };
    } catch (error) {
      return { lags: [], error: error instanceof Error ? error.message : String(error) };
    }
  }

  async #describe(endpoint: string): Promise<Answer> {
    try {
      const metadata = new grpc.Metadata();
      const option = this.#options.token;
      const token = typeof option === 'function' ? await option() : option;
      if (token !== undefined && token !== '') metadata.set('authorization', `Bearer ${token}`);
      return { endpoint, description: await this.#peers.unary<object, InstanceDescriptionMessage>(endpoint, this.#method, {}, metadata) };
    } catch (error) {
      const status = error as { details?: string; message?: string };
      return { endpoint, error: status.details ?? status.message ?? String(error) };
    }
  }
}
