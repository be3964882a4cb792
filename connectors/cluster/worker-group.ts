/**
 * Membership of the worker cluster (`group.id`): every worker joins one consumer group
 * over the config topic through our adapter, with an assignor that gives no partitions
 * but tells every member the whole worker list and which worker is the leader. Workers
 * that join or leave (or stop heartbeating) cause a rebalance, after which every worker
 * recomputes its share of connectors and tasks (`assignment.ts`).
 */

import { KafkaConsumer, kafkaConsumerConfig, type Assignor, type KafkaClientConfig } from '../../processors/kafka/index.ts';

export interface ClusterView {
  readonly generation: number;
  readonly leader: string;
  /** Worker ids (advertised REST host:port), sorted. */
  readonly workers: readonly string[];
  /** Worker id → REST URL. */
  readonly urls: ReadonlyMap<string, string>;
}

interface MemberInfo { readonly id: string; readonly url: string }

/** The assignor: partitions stay unassigned; userData is the cluster view, written by the leader. */
export function workerAssignor(self: MemberInfo): Assignor {
  return {
    name: 'kst-connect',
    version: 1,
    metadata: () => Buffer.from(JSON.stringify(self), 'utf8'),
    assign(context) {
      const members = context.members.map((m) => JSON.parse(m.metadata.toString('utf8')) as MemberInfo);
      const view = { generation: context.generationId, leader: self.id, workers: members.map((m) => m.id).sort(), urls: members.map((m) => [m.id, m.url]) };
      const userData = Buffer.from(JSON.stringify(view), 'utf8');
      return new Map(context.members.map((m) => [m.memberId, { partitions: [], userData }]));
    },
  };
}

export interface WorkerGroupOptions {
  readonly client: KafkaClientConfig;
  readonly groupId: string;
  readonly configTopic: string;
  readonly workerId: string;
  readonly url: string;
  readonly sessionTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
  readonly rebalanceTimeoutMs: number;
  /** Static membership: a restart within the session timeout is no rebalance of the cluster. */
  readonly groupInstanceId?: string;
  readonly onView: (view: ClusterView) => void;
  readonly onError: (error: unknown) => void;
}

/**
 * @example
 * ```ts
 * const group = new WorkerGroup({ client, groupId: 'connect-cluster', configTopic: 'connect-configs', workerId: '127.0.0.1:8083', url: 'http://127.0.0.1:8083', ..., onView: (v) => herder.onView(v) });
 * group.start();
 * await group.stop(); // leaves the group (a static member: only with { leaveGroup: true }): the others take this worker's share
 * ```
 */
export class WorkerGroup {
  readonly #options: WorkerGroupOptions;
  readonly #consumer: KafkaConsumer;
  #running = false;
  #loop: Promise<void> | null = null;

  constructor(options: WorkerGroupOptions) {
    this.#options = options;
    const config = kafkaConsumerConfig.parse({
      'group.id': options.groupId,
      'session.timeout.ms': options.sessionTimeoutMs,
      'heartbeat.interval.ms': options.heartbeatIntervalMs,
      'rebalance.timeout.ms': options.rebalanceTimeoutMs,
      'fetch.max.wait.ms': 200,
    });
    this.#consumer = new KafkaConsumer(options.client, config, {
      ...(options.groupInstanceId === undefined ? {} : { groupInstanceId: options.groupInstanceId }),
      assignor: workerAssignor({ id: options.workerId, url: options.url }),
      listener: {
        onPartitionsAssigned: (assignment) => {
          const raw = JSON.parse(assignment.userData.toString('utf8')) as { generation: number; leader: string; workers: string[]; urls: Array<[string, string]> };
          options.onView({ generation: raw.generation, leader: raw.leader, workers: raw.workers, urls: new Map(raw.urls) });
        },
      },
    });
  }

  start(): void {
    this.#running = true;
    this.#consumer.subscribe([this.#options.configTopic]);
    this.#loop = (async () => {
      while (this.#running) {
        try {
          await this.#consumer.poll();
        } catch (error) {
          this.#options.onError(error);
          await new Promise((resolve) => setTimeout(resolve, 1000));
        }
      }
    })();
  }

  /** A static member stays in the group (its place waits for a restart) unless `leaveGroup`. */
  async stop(options: { readonly leaveGroup?: boolean } = {}): Promise<void> {
    this.#running = false;
    await this.#loop;
    await this.#consumer.close({ leaveGroup: options.leaveGroup === true });
  }
}
