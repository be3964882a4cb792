/**
 * The client's metrics registry: a prom-client `Registry` that also holds the metrics of
 * stream threads running on workers. Each worker keeps a registry of its own (metric
 * objects cannot cross threads); reading this one asks every worker for its metrics as
 * JSON and merges them with the local ones (series differ by their `thread` label).
 *
 * @example
 * ```ts
 * const text = await streams.metricsRegistry.metrics(); // Prometheus text format, all threads
 * ```
 */

import { AggregatorRegistry, Registry, type MetricObjectWithValues, type MetricValue } from 'prom-client';

type MetricsJson = MetricObjectWithValues<MetricValue<string>>[];
export type RemoteMetrics = () => Promise<readonly object[]>;

export class StreamsRegistry extends Registry {
  readonly #remotes = new Set<RemoteMetrics>();

  /** Adds a source of metrics (a worker); returns a function that removes it. */
  addRemote(source: RemoteMetrics): () => void {
    this.#remotes.add(source);
    return () => this.#remotes.delete(source);
  }

  override async getMetricsAsJSON(): Promise<MetricsJson> {
    const local = await super.getMetricsAsJSON();
    if (this.#remotes.size === 0) return local;
    return (await this.#merged(local)).getMetricsAsJSON();
  }

  override async metrics(): Promise<string> {
    if (this.#remotes.size === 0) return super.metrics();
    return (await this.#merged(await super.getMetricsAsJSON())).metrics();
  }

  async #merged(local: MetricsJson): Promise<Registry> {
    const remote = await Promise.all([...this.#remotes].map((source) => source()));
    return AggregatorRegistry.aggregate([local, ...remote.filter((metrics) => metrics.length > 0)]);
  }
}
