import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Counter, Registry } from 'prom-client';
import { MetricsServer } from '../../../../topologies/ecommerce/observability/metrics-server.ts';

test('GET /metrics answers the registry in Prometheus text format, with the process metrics; other paths 404', async () => {
  const registry = new Registry();
  new Counter({ name: 'test_things_total', help: 'Things.', registers: [registry] }).inc(3);
  const server = await MetricsServer.listen(registry, { host: '127.0.0.1', port: 0 });
  try {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await fetch(`${server.url}/metrics`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/plain/);
    const text = await response.text();
    assert.match(text, /^test_things_total 3$/m);
    assert.match(text, /^process_cpu_seconds_total /m);
    assert.match(text, /^nodejs_eventloop_lag_seconds /m);
    assert.equal((await fetch(`${server.url}/other`)).status, 404);
  } finally {
    await server.close();
  }
});

test('a port in use fails to listen', async () => {
  const first = await MetricsServer.listen(new Registry(), { host: '127.0.0.1', port: 0, processMetrics: false });
  try {
    const port = Number(new URL(first.url).port);
    await assert.rejects(MetricsServer.listen(new Registry(), { host: '127.0.0.1', port, processMetrics: false }), /EADDRINUSE/);
  } finally {
    await first.close();
  }
});
