/**
 * A service created with a preparation done ahead (a launcher's warm spare): used when it
 * was made with the same settings, made anew when the settings differ (another topic
 * prefix: the schemas land under the service's own subjects) or when it failed.
 */

import '../../support/exit-after-tests.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isKstError } from '../../../common/errors.ts';
import { KafkaAdmin, kafkaClientConfig } from '../../../processors/kafka/index.ts';
import { RegistryClient } from '../../../schemas/registry/registry-client.ts';
import { endpoints, loadStackConfig } from '../../../scripts/stack/config.ts';
import { createService, prepareService } from '../../../topologies/ecommerce/run-service.ts';
import { uniqueName } from '../../support/names.ts';

const stack = endpoints(loadStackConfig());

function settings(prefix: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    'bootstrap.servers': stack.kafkaBootstrap,
    'schema.registry.url': stack.registryUrl,
    'topic.prefix': `${prefix}-`,
    'topic.partitions': 1,
    'state.dir': mkdtempSync(join(tmpdir(), 'kst-run-service-')),
    ...overrides,
  };
}

async function topicsOf(prefix: string): Promise<string[]> {
  const admin = new KafkaAdmin(kafkaClientConfig.parse({ 'bootstrap.servers': stack.kafkaBootstrap, 'client.id': 'run-service-test' }));
  try {
    return (await admin.listTopics()).filter((name) => name.startsWith(`${prefix}-`));
  } finally {
    await admin.close();
  }
}

/** A proxy in front of the registry that counts the requests it forwards. */
async function countingRegistry(): Promise<{ readonly url: string; readonly requests: () => number; close(): Promise<void> }> {
  const upstream = new URL(stack.registryUrl);
  let requests = 0;
  const proxy = createServer((incoming, outgoing) => {
    requests += 1;
    const forward = request({ host: upstream.hostname, port: upstream.port, path: incoming.url, method: incoming.method, headers: incoming.headers }, (answer) => {
      outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(outgoing);
    });
    incoming.pipe(forward);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}${upstream.pathname}`,
    requests: () => requests,
    close: () => new Promise<void>((resolve) => proxy.close(() => resolve())),
  };
}

test('a preparation made with the same settings is used; one with other settings, or one that failed, is made anew', async (t) => {
  const registry = new RegistryClient({ url: stack.registryUrl });
  const ahead = uniqueName('prep-ahead');
  const own = uniqueName('prep-own');

  const prepared = prepareService('customer', settings(ahead));
  await prepared;
  assert.ok((await topicsOf(ahead)).includes(`${ahead}-customers.commands`), 'the preparation created the platform topics');
  assert.ok(await registry.latestId(`${ahead}-customers.events-value`) > 0, 'and registered the schemas');

  // Other settings (another prefix): the service prepares for itself, under its own names.
  await assert.rejects(registry.latestId(`${own}-customers.events-value`), (error) => isKstError(error, 'KST_SCHEMA_NOT_FOUND'));
  const other = await createService('customer', settings(own), { prepared });
  try {
    assert.ok((await topicsOf(own)).includes(`${own}-customers.commands`));
    assert.ok(await registry.latestId(`${own}-customers.events-value`) > 0);
  } finally {
    await other.close();
  }

  // A preparation that failed (no registry there): the service prepares anew.
  const failed = prepareService('customer', settings(own, { 'schema.registry.url': 'http://127.0.0.1:9/apis/ccompat/v7' }));
  await assert.rejects(failed);
  const recovered = await createService('customer', settings(own), { prepared: failed });
  await recovered.close();

  // The same settings: the preparation is used, the registry is not asked again.
  const counted = await countingRegistry();
  t.after(() => counted.close());
  const same = settings(ahead, { 'schema.registry.url': counted.url });
  const done = prepareService('customer', same);
  await done;
  const asked = counted.requests();
  assert.ok(asked > 0, 'the preparation asked the registry');
  const reused = await createService('customer', same, { prepared: done });
  assert.equal(counted.requests(), asked, 'the service asked the registry nothing more');
  await reused.close();
});
