/**
 * Tells when a service process has processed its first records since it started: the
 * signal a launcher waits for to measure how long a restarted process takes to do work
 * again (not only to be RUNNING). Reads the client's own metric
 * `kstreams_thread_processed_records_total` (all stream threads, workers included) every
 * `intervalMs` until it is above zero, then calls `report` once and stops.
 *
 * @example
 * ```ts
 * const stop = watchFirstRecords(service.streams, (records) => console.log(`processing: first records (${records})`));
 * // ... on close
 * stop();
 * ```
 */

import type { KafkaStreams } from '../../processors/client/index.ts';

const PROCESSED = 'kstreams_thread_processed_records_total';

/** Records the client's stream threads have processed, summed over threads and tasks. */
export async function processedRecords(streams: Pick<KafkaStreams, 'metricsRegistry'>): Promise<number> {
  const metrics = await streams.metricsRegistry.getMetricsAsJSON();
  const processed = metrics.find((metric) => metric.name === PROCESSED);
  return (processed?.values ?? []).reduce((sum, sample) => sum + Number(sample.value), 0);
}

/** Calls `report(records)` once the client has processed records; returns a function that stops watching. */
export function watchFirstRecords(streams: Pick<KafkaStreams, 'metricsRegistry'>, report: (records: number) => void, intervalMs = 100): () => void {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const check = (): void => {
    processedRecords(streams).then((records) => {
      if (stopped) return;
      if (records > 0) {
        stopped = true;
        report(records);
        return;
      }
      timer = setTimeout(check, intervalMs).unref();
    }, () => {
      if (!stopped) timer = setTimeout(check, intervalMs).unref();
    });
  };
  check();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
