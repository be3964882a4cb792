/**
 * The provisioned dashboards are valid Grafana JSON whose panels use the provisioned
 * data source, and every metric they query is one the platform registers: the engine's
 * mapped families, the saga's histogram, the Connect worker's sink metrics or Node's
 * process metrics. (dashboards.integration.test.ts checks them against live scrapes.)
 */

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parse } from 'yaml';
import { KAFKA_STREAMS_METRICS } from '../../processors/client/metric-names.ts';
import { dashboardExpressions, metricNames } from '../support/promql-names.ts';

const folder = new URL('../../observability/grafana/', import.meta.url);
const dashboards = readdirSync(new URL('dashboards/', folder)).filter((name) => name.endsWith('.json'))
  .map((name) => [name, JSON.parse(readFileSync(new URL(`dashboards/${name}`, folder), 'utf8')) as Record<string, unknown>] as const);

test('the metric-name extractor reads PromQL as Prometheus does', () => {
  assert.deepEqual(metricNames('histogram_quantile(0.99, sum by (le, application_id) (rate(kstreams_commit_latency_seconds_bucket{application_id=~"$a"}[1m])))'), ['kstreams_commit_latency_seconds_bucket']);
  assert.deepEqual(metricNames('sum by (from, to) (rate(a_sum[5m])) / sum by (from, to) (rate(a_count[5m]))'), ['a_sum', 'a_count']);
  assert.deepEqual(metricNames('topk(10, x_total{job="by"}) or on (instance) y'), ['x_total', 'y']);
  assert.deepEqual(metricNames('label_values(kstreams_thread_processed_records_total, application_id)'), ['kstreams_thread_processed_records_total']);
});

test('three dashboards, each with a unique uid, panels on the provisioned Prometheus data source, and expressions', () => {
  assert.deepEqual(dashboards.map(([name]) => name).sort(), ['connect-sinks.json', 'ecommerce-saga.json', 'kstreams-engine.json']);
  const datasource = parse(readFileSync(new URL('provisioning/datasources/prometheus.yml', folder), 'utf8')) as { datasources: Array<{ uid: string; url: string }> };
  const uid = datasource.datasources[0]?.uid;
  assert.equal(new Set(dashboards.map(([, d]) => d['uid'])).size, dashboards.length);
  for (const [name, dashboard] of dashboards) {
    const panels = dashboard['panels'] as Array<{ title: string; datasource: { uid: string }; targets: unknown[]; gridPos: object }>;
    assert.ok(panels.length > 0, name);
    for (const panel of panels) {
      assert.equal(panel.datasource.uid, uid, `${name}: ${panel.title}`);
      assert.ok(panel.targets.length > 0 && panel.gridPos !== undefined, `${name}: ${panel.title}`);
    }
    assert.ok(dashboardExpressions(dashboard).length >= panels.length, name);
  }
});

test('every metric a dashboard queries is one the platform registers', () => {
  const known = new Set<string>([
    ...KAFKA_STREAMS_METRICS.map((m) => m.prometheus),
    'ecommerce_saga_step_duration_seconds',
    'kafka_connect_sink_task_records_read_total', 'kafka_connect_sink_task_records_written_total', 'kafka_connect_sink_task_put_batch_duration_seconds',
    'kafka_connect_sink_task_consumer_lag_records', 'kafka_connect_sink_task_dead_letter_records_total',
    'process_cpu_seconds_total', 'process_resident_memory_bytes', 'nodejs_eventloop_lag_p99_seconds',
  ]);
  for (const [name, dashboard] of dashboards) {
    for (const expression of dashboardExpressions(dashboard)) {
      for (const metric of metricNames(expression)) {
        const family = metric.replace(/_(bucket|sum|count)$/, '');
        assert.ok(known.has(metric) || known.has(family), `${name}: ${metric} (in ${expression})`);
      }
    }
  }
});
