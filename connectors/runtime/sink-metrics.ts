/**
 * The Connect worker's Prometheus metrics, in a registry of its own, served at the REST
 * server's `GET /metrics`. Sink task metrics carry Connect's names mapped to Prometheus
 * conventions, labelled by `connector` and `task`:
 *
 * | Connect (`sink-task-metrics`, `task-error-metrics`) | here |
 * | --- | --- |
 * | `sink-record-read-total` | `kafka_connect_sink_task_records_read_total` |
 * | `sink-record-send-total` | `kafka_connect_sink_task_records_written_total` |
 * | `put-batch-avg-time-ms`, `put-batch-max-time-ms` | `kafka_connect_sink_task_put_batch_duration_seconds` (histogram) |
 * | `deadletterqueue-produce-requests` | `kafka_connect_sink_task_dead_letter_records_total` |
 * | consumer `records-lag` | `kafka_connect_sink_task_consumer_lag_records` (with `topic`, `partition`) |
 *
 * plus Node's process metrics. A task's lag series go when the task stops or loses the
 * partition.
 *
 * @example
 * ```ts
 * const metrics = new ConnectMetrics();
 * const task = metrics.task('orders-pg', 0);
 * task.read(100);
 * task.written(98, 0.012);
 * await metrics.registry.metrics();
 * ```
 */

import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

type TaskLabel = 'connector' | 'task';

/** One sink task's view of the worker's metrics. */
export interface SinkTaskMetrics {
  /** Records polled from Kafka. */
  read(records: number): void;
  /** Records handed to `put` successfully, and how long that put took. */
  written(records: number, seconds: number): void;
  /** One record written to the dead letter queue. */
  deadLettered(): void;
  /** Lag of the partitions the task owns now; partitions not listed lose their series. */
  setLag(lags: ReadonlyArray<{ readonly topic: string; readonly partition: number; readonly lag: number }>): void;
  /** Removes the task's lag series (it stopped). */
  close(): void;
}

export class ConnectMetrics {
  readonly registry = new Registry();
  readonly #read: Counter<TaskLabel>;
  readonly #written: Counter<TaskLabel>;
  readonly #putLatency: Histogram<TaskLabel>;
  readonly #deadLetters: Counter<TaskLabel>;
  readonly #lag: Gauge<TaskLabel | 'topic' | 'partition'>;

  constructor(options: { readonly processMetrics?: boolean } = {}) {
    const registers = [this.registry];
    const labelNames = ['connector', 'task'] as const;
    this.#read = new Counter({ name: 'kafka_connect_sink_task_records_read_total', help: 'Records a sink task read from Kafka (Connect\'s sink-record-read-total).', labelNames, registers });
    this.#written = new Counter({ name: 'kafka_connect_sink_task_records_written_total', help: 'Records a sink task put into its system after converters and transforms (Connect\'s sink-record-send-total).', labelNames, registers });
    this.#putLatency = new Histogram({
      name: 'kafka_connect_sink_task_put_batch_duration_seconds',
      help: 'Time of one put of a batch into the sink (Connect\'s put-batch-avg-time-ms and -max-time-ms).',
      labelNames,
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.#deadLetters = new Counter({ name: 'kafka_connect_sink_task_dead_letter_records_total', help: 'Records a sink task wrote to its dead letter queue (Connect\'s deadletterqueue-produce-requests).', labelNames, registers });
    this.#lag = new Gauge({ name: 'kafka_connect_sink_task_consumer_lag_records', help: 'Records between a sink task\'s position in a partition and the partition\'s end.', labelNames: ['connector', 'task', 'topic', 'partition'], registers });
    if (options.processMetrics !== false) collectDefaultMetrics({ register: this.registry });
  }

  /** The metrics of task `task` of `connector`. */
  task(connector: string, task: number): SinkTaskMetrics {
    const labels = { connector, task: String(task) };
    const partitions = new Set<string>();
    const removeLag = (key: string): void => {
      const [topic, partition] = key.split('\u0000') as [string, string];
      this.#lag.remove({ ...labels, topic, partition });
    };
    // Both counters exist from the start, so a dashboard shows 0 rather than nothing.
    this.#read.inc(labels, 0);
    this.#written.inc(labels, 0);
    this.#deadLetters.inc(labels, 0);
    return {
      read: (records) => this.#read.inc(labels, records),
      written: (records, seconds) => {
        this.#written.inc(labels, records);
        this.#putLatency.observe(labels, seconds);
      },
      deadLettered: () => this.#deadLetters.inc(labels),
      setLag: (lags) => {
        const now = new Set<string>();
        for (const { topic, partition, lag } of lags) {
          now.add(`${topic}\u0000${partition}`);
          this.#lag.set({ ...labels, topic, partition: String(partition) }, lag);
        }
        for (const key of partitions) if (!now.has(key)) removeLag(key);
        partitions.clear();
        for (const key of now) partitions.add(key);
      },
      close: () => {
        for (const key of partitions) removeLag(key);
        partitions.clear();
      },
    };
  }
}
