/**
 * Prometheus metrics of a stream thread, kept off the per-record path: processing and
 * commit latency are observed once per batch and per commit; record counts per task
 * are read from the tasks' own counters when the registry is scraped (`collect`).
 * Series carry `application_id` and `thread`, task series also `task`.
 *
 * The metric objects are registered once per registry and shared by every thread that
 * reports into it (a worker thread has a registry of its own).
 *
 * @example
 * ```ts
 * const metrics = ThreadMetrics.register(registry, { applicationId: 'wordcount', thread: 'wordcount-StreamThread-1' }, () => manager.tasks.values());
 * const end = metrics.startBatch();
 * await manager.process(records);
 * end(records.length);
 * ```
 */

import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { TaskCounters } from '../stream-task.ts';

export interface ThreadLabels {
  readonly applicationId: string;
  readonly thread: string;
}

export interface TaskCounterSource {
  readonly id: string;
  readonly task: { readonly counters: TaskCounters; nodeCounts?(): ReadonlyMap<string, number> };
}

interface LiveThread {
  readonly labels: { readonly application_id: string; readonly thread: string };
  readonly tasks: () => Iterable<TaskCounterSource>;
  /** Per task id: records processed while an input partition of the task had nothing buffered. */
  readonly enforcedProcessing: () => Iterable<readonly [string, number]>;
  readonly produced: () => number;
  readonly droppedOnSend: () => number;
  /** Transactions aborted (exactly-once): a lost transaction, a dirty revocation, a failed commit. */
  readonly abortedTransactions?: () => number;
}

const LATENCY_BUCKETS = [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5];

class RegistryMetrics {
  readonly live = new Set<LiveThread>();
  readonly batchLatency: Histogram<'application_id' | 'thread'>;
  readonly batchRecords: Counter<'application_id' | 'thread'>;
  readonly commitLatency: Histogram<'application_id' | 'thread'>;
  readonly lag: Gauge<'application_id' | 'thread' | 'topic' | 'partition'>;
  readonly restored: Counter<'application_id' | 'thread' | 'store' | 'topic' | 'partition'>;
  readonly restoreRemaining: Gauge<'application_id' | 'thread' | 'store' | 'topic' | 'partition'>;
  readonly rebalances: Counter<'application_id' | 'thread'>;

  constructor(registry: Registry) {
    const live = this.live;
    const registers = [registry];
    const threadLabels = ['application_id', 'thread'] as const;
    this.batchLatency = new Histogram({ name: 'kstreams_process_batch_latency_seconds', help: 'Time to process one polled batch through the tasks.', labelNames: threadLabels, buckets: LATENCY_BUCKETS, registers });
    this.batchRecords = new Counter({ name: 'kstreams_thread_processed_records_total', help: 'Records handed to the tasks; rate() is the process rate.', labelNames: threadLabels, registers });
    this.commitLatency = new Histogram({ name: 'kstreams_commit_latency_seconds', help: 'Time of one commit: store flush, output send and offset (or transaction) commit.', labelNames: threadLabels, buckets: LATENCY_BUCKETS, registers });
    this.lag = new Gauge({ name: 'kstreams_consumer_lag_records', help: 'Records between the position of an input partition and its end.', labelNames: ['application_id', 'thread', 'topic', 'partition'], registers });
    this.restored = new Counter({ name: 'kstreams_restore_records_total', help: 'Changelog records restored into state stores.', labelNames: ['application_id', 'thread', 'store', 'topic', 'partition'], registers });
    this.restoreRemaining = new Gauge({ name: 'kstreams_restore_remaining_records', help: 'Changelog records left to restore.', labelNames: ['application_id', 'thread', 'store', 'topic', 'partition'], registers });
    this.rebalances = new Counter({ name: 'kstreams_thread_rebalances_total', help: 'Assignments the thread received: one per rebalance it took part in.', labelNames: threadLabels, registers });
    const taskCounter = (name: string, help: string, pick: (c: TaskCounters) => number): void => {
      new Counter({
        name,
        help,
        labelNames: ['application_id', 'thread', 'task'],
        registers,
        collect() {
          this.reset();
          for (const thread of live) {
            for (const source of thread.tasks()) {
              const value = pick(source.task.counters);
              if (value > 0) this.inc({ ...thread.labels, task: source.id }, value);
            }
          }
        },
      });
    };
    taskCounter('kstreams_task_processed_records_total', 'Records processed by a task (since it was created on this thread).', (c) => c.processed);
    taskCounter('kstreams_task_skipped_records_total', 'Records an exception handler skipped (CONTINUE), dead-lettered when a DLQ is set.', (c) => c.skipped);
    taskCounter('kstreams_task_dropped_records_total', 'Records dropped for an invalid timestamp.', (c) => c.dropped);
    taskCounter('kstreams_task_punctuations_total', 'Punctuator runs of a task.', (c) => c.punctuations);
    new Counter({
      name: 'kstreams_task_enforced_processing_total',
      help: 'Records a task processed while one of its input partitions had nothing buffered (after max.task.idle.ms): they may be out of timestamp order.',
      labelNames: ['application_id', 'thread', 'task'],
      registers,
      collect() {
        this.reset();
        for (const thread of live) {
          for (const [task, count] of thread.enforcedProcessing()) if (count > 0) this.inc({ ...thread.labels, task }, count);
        }
      },
    });
    new Counter({
      name: 'kstreams_processor_node_processed_records_total',
      help: 'Records a source or processor node was given (Kafka Streams\' processor-node process-total).',
      labelNames: ['application_id', 'thread', 'task', 'processor_node'],
      registers,
      collect() {
        this.reset();
        for (const thread of live) {
          for (const source of thread.tasks()) {
            for (const [node, count] of source.task.nodeCounts?.() ?? []) if (count > 0) this.inc({ ...thread.labels, task: source.id, processor_node: node }, count);
          }
        }
      },
    });
    const threadCounter = (name: string, help: string, pick: (t: LiveThread) => number): void => {
      new Counter({
        name,
        help,
        labelNames: threadLabels,
        registers,
        collect() {
          this.reset();
          for (const thread of live) this.inc(thread.labels, pick(thread));
        },
      });
    };
    threadCounter('kstreams_thread_produced_records_total', 'Output records (sinks, changelogs, dead letters) acknowledged by the producer.', (t) => t.produced());
    threadCounter('kstreams_thread_send_dropped_records_total', 'Output records dropped by production.exception.handler=log-and-continue.', (t) => t.droppedOnSend());
    threadCounter('kstreams_thread_aborted_transactions_total', 'Transactions the thread aborted (exactly-once): lost transactions, dirty revocations, failed commits.', (t) => t.abortedTransactions?.() ?? 0);
  }
}

const byRegistry = new WeakMap<Registry, RegistryMetrics>();

export class ThreadMetrics {
  readonly #metrics: RegistryMetrics;
  readonly #live: LiveThread;
  /** Partitions this thread reported lag for, so a new assignment removes only its own series. */
  readonly #lagPartitions = new Set<string>();

  private constructor(metrics: RegistryMetrics, live: LiveThread) {
    this.#metrics = metrics;
    this.#live = live;
  }

  static register(registry: Registry, labels: ThreadLabels, sources: Omit<LiveThread, 'labels'>): ThreadMetrics {
    let metrics = byRegistry.get(registry);
    if (metrics === undefined) byRegistry.set(registry, (metrics = new RegistryMetrics(registry)));
    const live: LiveThread = { labels: { application_id: labels.applicationId, thread: labels.thread }, ...sources };
    metrics.live.add(live);
    return new ThreadMetrics(metrics, live);
  }

  /** Call once per batch; the returned function records its latency and size. */
  startBatch(): (records: number) => void {
    const start = performance.now();
    return (records) => {
      this.#metrics.batchLatency.observe(this.#live.labels, (performance.now() - start) / 1000);
      if (records > 0) this.#metrics.batchRecords.inc(this.#live.labels, records);
    };
  }

  observeCommit(seconds: number): void {
    this.#metrics.commitLatency.observe(this.#live.labels, seconds);
  }

  setLag(topic: string, partition: number, lag: number): void {
    this.#lagPartitions.add(`${topic}\u0000${partition}`);
    this.#metrics.lag.set({ ...this.#live.labels, topic, partition: String(partition) }, lag);
  }

  /** Forgets the lag of partitions the thread no longer owns (after a rebalance). */
  clearLag(): void {
    for (const key of this.#lagPartitions) {
      const [topic, partition] = key.split('\u0000') as [string, string];
      this.#metrics.lag.remove({ ...this.#live.labels, topic, partition });
    }
    this.#lagPartitions.clear();
  }

  /** Counts one rebalance (an assignment received). */
  rebalanced(): void {
    this.#metrics.rebalances.inc(this.#live.labels);
  }

  restoreProgress(store: string, topic: string, partition: number, restored: number, remaining: number): void {
    const labels = { ...this.#live.labels, store, topic, partition: String(partition) };
    if (restored > 0) this.#metrics.restored.inc(labels, restored);
    this.#metrics.restoreRemaining.set(labels, Math.max(0, remaining));
  }

  /** Stops reporting this thread's task counters (the thread ended). */
  unregister(): void {
    this.clearLag();
    this.#metrics.live.delete(this.#live);
  }
}
