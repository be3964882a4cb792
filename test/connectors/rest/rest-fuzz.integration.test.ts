/**
 * Fuzzes every Connect REST route of a real worker with generated requests: valid and
 * invalid connector names (percent-encoded, malformed encodings, very long), JSON bodies
 * (valid configs, configs with wrong types, arbitrary JSON), bodies that are not JSON,
 * wrong content types and query strings. Whatever comes in, the worker answers without a
 * server error (5xx; only 503 is allowed), every error in Connect's JSON body
 * `{"error_code": <status>, "message": …}`, and it still serves afterwards. Bounded in
 * runs and time (under 30 s).
 */
import '../../support/exit-after-tests.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { memorySinkPlugin } from '../../../connectors/plugins/memory-sink.ts';
import { broker, clusterNames, dropCluster, startWorker, unique } from '../helpers.ts';

const RUNS = 1000;
const TIME_LIMIT_MS = 15_000;

interface FuzzRequest {
  readonly method: string;
  readonly path: string;
  readonly contentType: string | undefined;
  readonly body: string | Uint8Array | undefined;
}

/** Every route of the API, with `{name}`, `{task}`, `{plugin}` and `{logger}` to fill in. */
const ROUTES: ReadonlyArray<readonly [string, string]> = [
  ['GET', '/'], ['GET', '/health'],
  ['GET', '/connectors'], ['POST', '/connectors'],
  ['GET', '/connectors/{name}'], ['DELETE', '/connectors/{name}'],
  ['GET', '/connectors/{name}/config'], ['PUT', '/connectors/{name}/config'], ['PATCH', '/connectors/{name}/config'],
  ['GET', '/connectors/{name}/tasks'], ['GET', '/connectors/{name}/status'], ['GET', '/connectors/{name}/tasks/{task}/status'],
  ['PUT', '/connectors/{name}/pause'], ['PUT', '/connectors/{name}/resume'], ['PUT', '/connectors/{name}/stop'],
  ['POST', '/connectors/{name}/restart'], ['POST', '/connectors/{name}/tasks/{task}/restart'],
  ['GET', '/connectors/{name}/offsets'], ['PATCH', '/connectors/{name}/offsets'], ['DELETE', '/connectors/{name}/offsets'],
  ['GET', '/connectors/{name}/topics'], ['PUT', '/connectors/{name}/topics/reset'],
  ['GET', '/connector-plugins'], ['GET', '/connector-plugins/{plugin}/config'], ['PUT', '/connector-plugins/{plugin}/config/validate'],
  ['GET', '/admin/loggers'], ['GET', '/admin/loggers/{logger}'], ['PUT', '/admin/loggers/{logger}'],
];

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];
const CONTENT_TYPES = [undefined, 'application/json', 'application/json; charset=utf-8', 'text/plain', 'application/xml', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/octet-stream', '', 'application/json; charset=utf-16'];

function arbitraries(names: readonly string[], topic: string) {
  const segment = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...names).map(encodeURIComponent) },
    fc.string({ maxLength: 24 }).map(encodeURIComponent),
    fc.string({ unit: 'grapheme', maxLength: 12 }).map(encodeURIComponent),
    fc.constantFrom('%', '%E0%A4%A', '%ZZ', '..', '.', '%2F', '%00', 'a%2Fb', 'x'.repeat(600), '%C0%AE', '-1', '0', '99999999999999999999', 'NaN'),
  );
  const plugin = fc.oneof(fc.constantFrom(memorySinkPlugin.className, 'MemorySinkConnector', 'PostgresSinkConnector', 'io.kstreams.connect.search.ElasticsearchSinkConnector', 'org.apache.kafka.connect.transforms.RegexRouter'), segment);
  const logger = fc.oneof(fc.constantFrom('root', 'io.kstreams.connect', 'org.apache.kafka'), segment);
  const validConfig = fc.record({
    'connector.class': fc.constantFrom(memorySinkPlugin.className, 'io.kstreams.connect.MemorySinkConnector', 'Nope'),
    topics: fc.constantFrom(topic, '', `${topic},${topic}`),
    'memory.sink.id': fc.constantFrom(unique('fuzz')),
    'tasks.max': fc.oneof(fc.constantFrom('1', '0', '-1', 'two', ''), fc.integer().map(String)),
  }, { requiredKeys: ['connector.class'] });
  const jsonBody = fc.oneof(
    validConfig,
    fc.record({ name: fc.oneof(fc.constantFrom(...names), fc.string(), fc.jsonValue()), config: fc.oneof(validConfig, fc.jsonValue()), initial_state: fc.oneof(fc.constantFrom('RUNNING', 'PAUSED', 'STOPPED'), fc.jsonValue()) }, { requiredKeys: [] }),
    fc.dictionary(fc.string({ maxLength: 30 }), fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null), fc.jsonValue())),
    fc.record({ offsets: fc.oneof(fc.jsonValue(), fc.array(fc.record({ partition: fc.jsonValue(), offset: fc.jsonValue() }))) }),
    fc.record({ level: fc.oneof(fc.constantFrom('DEBUG', 'info', 'OFF', 'LOUD'), fc.jsonValue()) }),
    fc.jsonValue(),
  ).map((value) => JSON.stringify(value));
  const body = fc.oneof(
    { weight: 6, arbitrary: jsonBody },
    { weight: 2, arbitrary: fc.string({ maxLength: 60 }) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 60 }) },
    { weight: 1, arbitrary: fc.constantFrom('{', '{"a":', '[1,2', 'null', '"x"', '{"name": "\\ud800"}', '\u0000', ' ') },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
  const query = fc.dictionary(fc.constantFrom('expand', 'includeTasks', 'onlyFailed', 'connectorsOnly', 'scope', 'x'), fc.oneof(fc.constantFrom('status', 'info', 'true', 'false', 'cluster', 'worker', ''), fc.string({ maxLength: 10 })), { maxKeys: 3 })
    .map((entries) => new URLSearchParams(entries).toString());
  const routed = fc.tuple(fc.constantFrom(...ROUTES), segment, fc.oneof(fc.constantFrom('0', '1', '-1', 'abc', '1.5', '00'), segment), plugin, logger, fc.boolean(), fc.constantFrom(...METHODS))
    .map(([[method, template], name, task, pluginName, loggerName, otherMethod, anyMethod]) => ({
      method: otherMethod ? anyMethod : method,
      path: template.replace('{name}', name).replace('{task}', task).replace('{plugin}', pluginName).replace('{logger}', loggerName),
    }));
  const unknownPath = fc.tuple(fc.constantFrom(...METHODS), fc.array(segment, { minLength: 1, maxLength: 5 })).map(([method, parts]) => ({ method, path: `/${parts.join('/')}` }));
  const chaos = fc.record({
    target: fc.oneof({ weight: 9, arbitrary: routed }, { weight: 1, arbitrary: unknownPath }),
    query,
    contentType: fc.constantFrom(...CONTENT_TYPES),
    body,
  }).map(({ target, query: q, contentType, body: b }): FuzzRequest => ({ method: target.method, path: q === '' ? target.path : `${target.path}?${q}`, contentType, body: b }));
  // Well-formed requests on the known connectors, so that creates, updates, pauses,
  // restarts and deletes really happen between the chaotic ones.
  const config = { 'connector.class': memorySinkPlugin.className, topics: topic, 'tasks.max': '1', 'memory.sink.id': unique('fuzz') };
  const known = fc.constantFrom(...names).map(encodeURIComponent);
  const wellFormed = fc.oneof(
    known.map((n): FuzzRequest => ({ method: 'PUT', path: `/connectors/${n}/config`, contentType: 'application/json', body: JSON.stringify(config) })),
    fc.tuple(fc.constantFrom(...names), fc.constantFrom('RUNNING', 'PAUSED', 'STOPPED')).map(([n, state]): FuzzRequest => ({ method: 'POST', path: '/connectors', contentType: 'application/json', body: JSON.stringify({ name: n, config, initial_state: state }) })),
    fc.tuple(known, fc.constantFrom(...ROUTES.filter(([, template]) => template.includes('{name}')))).map(([n, [method, template]]): FuzzRequest => ({
      method, path: template.replace('{name}', n).replace('{task}', '0'), contentType: 'application/json',
      body: method === 'PATCH' && template.endsWith('/config') ? JSON.stringify({ 'tasks.max': '1' }) : method === 'PATCH' ? JSON.stringify({ offsets: [{ partition: { kafka_topic: topic, kafka_partition: 0 }, offset: { kafka_offset: 0 } }] }) : undefined,
    })),
  );
  return fc.oneof({ weight: 2, arbitrary: chaos }, { weight: 1, arbitrary: wellFormed });
}

async function send(base: string, request: FuzzRequest): Promise<{ status: number; text: string }> {
  const withBody = request.body !== undefined && request.method !== 'GET' && request.method !== 'HEAD';
  const headers: Record<string, string> = {};
  if (request.contentType !== undefined && withBody) headers['content-type'] = request.contentType;
  const response = await fetch(base + request.path, { method: request.method, headers, ...(withBody ? { body: request.body as string | Uint8Array<ArrayBuffer> } : {}) });
  return { status: response.status, text: await response.text() };
}

test('every REST route answers generated valid and invalid requests without a server error', { timeout: 90_000 }, async () => {
  const kafka = broker();
  const cluster = clusterNames('kst-connect-fuzz');
  const worker = await startWorker(cluster);
  const names = [unique('fuzz-a'), unique('fuzz-b')];
  try {
    const topic = await kafka.topic(1);
    const seen = new Map<number, number>();
    const started = Date.now();
    await fc.assert(fc.asyncProperty(arbitraries(names, topic), async (request) => {
      const { status, text } = await send(worker.url, request);
      seen.set(status, (seen.get(status) ?? 0) + 1);
      const where = `${request.method} ${request.path} (${request.contentType ?? 'no content type'}) ${typeof request.body === 'string' ? request.body.slice(0, 200) : String(request.body)}`;
      assert.ok(status < 500 || status === 503, `${where} answered ${status}: ${text.slice(0, 500)}`);
      if (status >= 400 && request.method !== 'HEAD') {
        const body = JSON.parse(text) as { error_code?: unknown; message?: unknown };
        assert.equal(body.error_code, status, `${where}: Connect's error body`);
        assert.equal(typeof body.message, 'string');
      }
    }), { numRuns: RUNS, interruptAfterTimeLimit: TIME_LIMIT_MS, markInterruptAsFailure: false });
    const elapsed = Date.now() - started;
    assert.ok(elapsed < 30_000, `the fuzz took ${elapsed} ms`);
    assert.ok([...seen.keys()].some((s) => s >= 200 && s < 300) && [...seen.keys()].some((s) => s >= 400), `both successes and refusals: ${JSON.stringify([...seen])}`);
    const root = await fetch(`${worker.url}/`);
    assert.equal(root.status, 200, 'the worker still serves');
    console.log(`# fuzz: ${[...seen.values()].reduce((a, b) => a + b, 0)} requests in ${elapsed} ms, statuses ${JSON.stringify(Object.fromEntries([...seen].sort()))}`);
  } finally {
    await worker.stop();
    await dropCluster(kafka.admin, cluster);
    await kafka.close();
  }
});
