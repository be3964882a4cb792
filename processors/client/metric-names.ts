/**
 * Kafka Streams' built-in metrics and the Prometheus families that carry them here. Kafka
 * Streams names a metric by group and name (`stream-thread-metrics` / `process-rate`,
 * with `thread-id`, `task-id`, … tags); Prometheus wants one family per measured thing,
 * with its unit and `_total` for counters in the name, tags as labels, and rates and
 * averages left to the query (`rate()`, `histogram_quantile()`). So one family often
 * carries several Kafka Streams metrics: `process-rate` and `process-total` are both
 * `kstreams_thread_processed_records_total`, `commit-latency-avg` and `-max` are both read
 * from the histogram `kstreams_commit_latency_seconds`.
 *
 * Dashboards and alerts should name these families; `test/processors/client/metric-names.test.ts`
 * checks that each one is registered by the engine's metrics, with the type said here.
 *
 * @example
 * ```ts
 * KAFKA_STREAMS_METRICS.find((m) => m.kafkaStreams === 'stream-thread-metrics/commit-latency-avg')?.prometheus;
 * // 'kstreams_commit_latency_seconds'
 * ```
 */

export type PrometheusType = 'counter' | 'gauge' | 'histogram';

export interface MetricMapping {
  /** `<group>/<name>` as Kafka Streams reports it. */
  readonly kafkaStreams: string;
  readonly prometheus: string;
  readonly type: PrometheusType;
  /** The labels that replace Kafka Streams' tags. */
  readonly labels: readonly string[];
  /** The PromQL that gives Kafka Streams' value. */
  readonly query: string;
}

const THREAD = ['application_id', 'thread'] as const;
const TASK = [...THREAD, 'task'] as const;
const STORE = ['store', 'task', 'backend', 'operation'] as const;
const mapping = (kafkaStreams: string, prometheus: string, type: PrometheusType, labels: readonly string[], query: string): MetricMapping =>
  ({ kafkaStreams, prometheus, type, labels, query });

export const KAFKA_STREAMS_METRICS: readonly MetricMapping[] = [
  // Thread level.
  mapping('stream-thread-metrics/process-rate', 'kstreams_thread_processed_records_total', 'counter', THREAD, 'rate(kstreams_thread_processed_records_total[1m])'),
  mapping('stream-thread-metrics/process-total', 'kstreams_thread_processed_records_total', 'counter', THREAD, 'kstreams_thread_processed_records_total'),
  mapping('stream-thread-metrics/process-latency-avg', 'kstreams_process_batch_latency_seconds', 'histogram', THREAD, 'rate(kstreams_process_batch_latency_seconds_sum[1m]) / rate(kstreams_process_batch_latency_seconds_count[1m])'),
  mapping('stream-thread-metrics/commit-latency-avg', 'kstreams_commit_latency_seconds', 'histogram', THREAD, 'rate(kstreams_commit_latency_seconds_sum[1m]) / rate(kstreams_commit_latency_seconds_count[1m])'),
  mapping('stream-thread-metrics/commit-latency-max', 'kstreams_commit_latency_seconds', 'histogram', THREAD, 'histogram_quantile(0.99, rate(kstreams_commit_latency_seconds_bucket[1m]))'),
  mapping('stream-thread-metrics/commit-total', 'kstreams_commit_latency_seconds', 'histogram', THREAD, 'kstreams_commit_latency_seconds_count'),
  mapping('stream-thread-metrics/punctuate-total', 'kstreams_task_punctuations_total', 'counter', TASK, 'sum by (application_id, thread) (kstreams_task_punctuations_total)'),
  mapping('producer-metrics/record-send-total', 'kstreams_thread_produced_records_total', 'counter', THREAD, 'kstreams_thread_produced_records_total'),
  mapping('producer-metrics/txn-abort-total', 'kstreams_thread_aborted_transactions_total', 'counter', THREAD, 'kstreams_thread_aborted_transactions_total'),
  mapping('consumer-coordinator-metrics/rebalance-total', 'kstreams_thread_rebalances_total', 'counter', THREAD, 'kstreams_thread_rebalances_total'),
  mapping('consumer-fetch-manager-metrics/records-lag', 'kstreams_consumer_lag_records', 'gauge', [...THREAD, 'topic', 'partition'], 'kstreams_consumer_lag_records'),
  // Task level.
  mapping('stream-task-metrics/process-total', 'kstreams_task_processed_records_total', 'counter', TASK, 'kstreams_task_processed_records_total'),
  mapping('stream-task-metrics/dropped-records-total', 'kstreams_task_dropped_records_total', 'counter', TASK, 'kstreams_task_dropped_records_total'),
  mapping('stream-task-metrics/enforced-processing-total', 'kstreams_task_enforced_processing_total', 'counter', TASK, 'kstreams_task_enforced_processing_total'),
  mapping('stream-task-metrics/skipped-records-total', 'kstreams_task_skipped_records_total', 'counter', TASK, 'kstreams_task_skipped_records_total'),
  mapping('stream-task-metrics/restore-total', 'kstreams_restore_records_total', 'counter', [...THREAD, 'store', 'topic', 'partition'], 'kstreams_restore_records_total'),
  mapping('stream-task-metrics/restore-remaining-records-total', 'kstreams_restore_remaining_records', 'gauge', [...THREAD, 'store', 'topic', 'partition'], 'kstreams_restore_remaining_records'),
  // Processor-node level.
  mapping('stream-processor-node-metrics/process-total', 'kstreams_processor_node_processed_records_total', 'counter', [...TASK, 'processor_node'], 'kstreams_processor_node_processed_records_total'),
  mapping('stream-processor-node-metrics/process-rate', 'kstreams_processor_node_processed_records_total', 'counter', [...TASK, 'processor_node'], 'rate(kstreams_processor_node_processed_records_total[1m])'),
  // State store level (`put`, `get`, `delete`, `put-if-absent`, `range`, `flush`, `restore`, `fetch`, `remove` in the `operation` label).
  mapping('stream-state-metrics/put-rate', 'kstreams_state_store_operations_total', 'counter', STORE, 'rate(kstreams_state_store_operations_total{operation="put"}[1m])'),
  mapping('stream-state-metrics/get-rate', 'kstreams_state_store_operations_total', 'counter', STORE, 'rate(kstreams_state_store_operations_total{operation="get"}[1m])'),
  mapping('stream-state-metrics/put-latency-avg', 'kstreams_state_store_latency_seconds', 'histogram', STORE, 'rate(kstreams_state_store_latency_seconds_sum{operation="put"}[1m]) / rate(kstreams_state_store_latency_seconds_count{operation="put"}[1m])'),
  mapping('stream-state-metrics/flush-latency-avg', 'kstreams_state_store_latency_seconds', 'histogram', STORE, 'rate(kstreams_state_store_latency_seconds_sum{operation="flush"}[1m]) / rate(kstreams_state_store_latency_seconds_count{operation="flush"}[1m])'),
  mapping('stream-state-metrics/restore-total', 'kstreams_state_store_restored_records_total', 'counter', ['store', 'task', 'backend'], 'kstreams_state_store_restored_records_total'),
  mapping('stream-state-metrics/dropped-records-total', 'kstreams_state_store_dropped_records_total', 'counter', ['store', 'task', 'backend'], 'kstreams_state_store_dropped_records_total'),
];
