/**
 * A short check of the order service run as N processes (the platform launcher), written
 * while benchmarking because the saga stalled with 2 processes per service: 30 CreateOrder
 * commands are produced to a fresh `orders.commands` (3 partitions) and the check counts
 * the OrderCreated events that come out, and which partitions of `orders.commands` the
 * group committed. With 1 process every run passes; with 2, some runs (about half here, at
 * commit 3ad2c75) leave the tasks of partitions 0 and 1 without a single commit while
 * partition 2 is processed — no error, every process RUNNING. Exit code 1 when orders are
 * missing.
 *
 *   node bench/platform/scale-out-check.ts [instances=2]
 */

import { setTimeout as sleep } from 'node:timers/promises';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KafkaAdmin, kafkaClientConfig } from '../../processors/kafka/index.ts';
import { Platform } from '../../scripts/platform/services.ts';
import type { CreateOrder } from '../../topologies/ecommerce/contracts/commands.ts';
import { BenchKafka } from './kafka-io.ts';

const BOOTSTRAP = '127.0.0.1:9092';
const REGISTRY = 'http://127.0.0.1:8081/apis/ccompat/v7';
const instances = Number(process.argv[2] ?? '2');
const prefix = `scale-check-${Date.now().toString(36)}.`;
const dir = mkdtempSync(join(tmpdir(), 'kst-scale-check-'));
const platform = await Platform.start(
  { instances, services: ['order'], 'query.base.port': 0, 'state.dir': join(dir, 'state'), 'log.dir': join(dir, 'logs') },
  { 'topic.prefix': prefix, 'bootstrap.servers': BOOTSTRAP, 'schema.registry.url': REGISTRY },
);
const kafka = await BenchKafka.create({ bootstrap: BOOTSTRAP, registryUrl: REGISTRY, prefix });
const created = new Set<string>();
const reader = kafka.read(kafka.topics.orderEvents, kafka.serdes.orderEvent, (orderId, event) => {
  if (event.type === 'OrderCreated') created.add(orderId);
});
let missing = 0;
try {
  await sleep(3_000);
  const ids = Array.from({ length: 30 }, (_, i) => `o-${i}`);
  await kafka.send(kafka.topics.orderCommands, kafka.serdes.orderCommand, ids.map((orderId): readonly [string, CreateOrder] => [orderId, {
    type: 'CreateOrder', commandId: `${orderId}-c`, issuedAtMs: Date.now(), orderId, customerId: 'c-1', items: [{ productId: 'p-1', quantity: 1 }],
  }]));
  for (let i = 0; i < 30 && created.size < ids.length; i++) await sleep(1_000);
  missing = ids.length - created.size;
  const admin = new KafkaAdmin(kafkaClientConfig.parse({ 'bootstrap.servers': BOOTSTRAP, 'client.id': 'scale-check' }));
  const committed = (await admin.listGroupOffsets(`${prefix}ecommerce-order`)).filter((o) => o.topic === kafka.topics.orderCommands);
  await admin.close();
  console.log(`${instances} process(es): ${created.size}/${ids.length} OrderCreated within 30 s; committed ${committed.map((o) => `orders.commands[${o.partition}]=${o.offset}`).sort().join(' ') || 'nothing'}`);
} finally {
  await reader.close();
  await kafka.close();
  await platform.stop();
  if (missing > 0) console.log(`logs kept in ${join(dir, 'logs')}`);
  else rmSync(dir, { recursive: true, force: true });
}
process.exitCode = missing > 0 ? 1 : 0;
