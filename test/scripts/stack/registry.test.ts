import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadStackConfig } from '../../../scripts/stack/config.ts';
import { findQuarkusRunJar, kafkaSqlProperties, registry, REGISTRY_JOURNAL_TOPIC } from '../../../scripts/stack/registry.ts';

test('quarkus-run.jar is found wherever the release put it', (t) => {
  const root = mkdtempSync(join(tmpdir(), 'kstack-reg-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  assert.equal(findQuarkusRunJar(root), undefined);
  mkdirSync(join(root, 'apicurio-registry', 'target', 'quarkus-app', 'lib'), { recursive: true });
  writeFileSync(join(root, 'apicurio-registry', 'target', 'quarkus-app', 'quarkus-run.jar'), '');
  assert.equal(findQuarkusRunJar(root), join(root, 'apicurio-registry', 'target', 'quarkus-app', 'quarkus-run.jar'));
  writeFileSync(join(root, 'quarkus-run.jar'), '');
  assert.equal(findQuarkusRunJar(root), join(root, 'quarkus-run.jar'));
  assert.equal(findQuarkusRunJar(join(root, 'missing')), undefined);
});

test('the registry keeps its schemas in the stack\'s Kafka, and so does docker-compose\'s', () => {
  const config = loadStackConfig({ STACK_KAFKA_PORT: '19999' });
  const properties = new Map(kafkaSqlProperties(config, '/data/registry').map((arg) => {
    const [key, ...value] = arg.replace(/^-D/, '').split('=');
    return [key as string, value.join('=')];
  }));
  assert.equal(properties.get('apicurio.storage.kind'), 'kafkasql');
  assert.equal(properties.get('apicurio.kafkasql.bootstrap.servers'), '127.0.0.1:19999');
  assert.equal(properties.get('apicurio.kafkasql.topic'), REGISTRY_JOURNAL_TOPIC);
  assert.equal(properties.get('apicurio.storage.snapshot.location'), '/data/registry');
  assert.deepEqual(registry.dependsOn, ['kafka']);

  const compose = parse(readFileSync(new URL('../../../docker-compose.yml', import.meta.url), 'utf8'), { merge: true }) as { services: Record<string, { environment?: Record<string, string>; depends_on?: Record<string, { condition?: string }> }> };
  const service = compose.services['registry'];
  assert.equal(service?.environment?.['APICURIO_STORAGE_KIND'], 'kafkasql');
  assert.equal(service?.environment?.['APICURIO_KAFKASQL_BOOTSTRAP_SERVERS'], compose.services['order']?.environment?.['ECOMMERCE_BOOTSTRAP_SERVERS']);
  assert.equal(service?.depends_on?.['kafka']?.condition, 'service_healthy', 'the registry container waits for a healthy broker container');
});
