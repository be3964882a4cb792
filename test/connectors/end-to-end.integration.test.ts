/**
 * Acceptance 2 of the connectors issue, and the DLQ part of acceptance 3, through a real
 * worker: a PostgreSQL sink and a search sink created with the REST API read 10,000
 * Confluent-framed Avro records (updates of the same skus, tombstones, and a few values
 * that are not Avro) and leave a table and an index equal, row by row, to the final state
 * the test computes; the unreadable records land in the DLQ with Connect's context
 * headers while every task stays RUNNING under errors.tolerance=all.
 */
import '../support/exit-after-tests.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { DLQ_HEADERS } from '../../connectors/runtime/dead-letter-queue.ts';
import type { KafkaRecord } from '../../processors/kafka/index.ts';
import {
  assertSameState, deadLetterConfig, dropIndex, dropTable, indexState, postgresConnectorConfig, produceChanges, productWorkload,
  sameState, searchConnectorConfig, tableState,
} from './end-to-end-support.ts';
import { broker, clusterNames, dropCluster, header, http, readAll, startWorker, unique, until } from './helpers.ts';
import { stack } from './sinks/support.ts';

interface Status { connector: { state: string }; tasks: Array<{ id: number; state: string; trace?: string }> }

test('10,000 Avro records with updates and tombstones: the PostgreSQL table and the search index equal the expected final state', { timeout: 120_000 }, async (t) => {
  const kafka = broker();
  const cluster = clusterNames('kst-connect-e2e');
  const db = new pg.Client({ connectionString: stack.postgresUrl });
  await db.connect();
  const worker = await startWorker(cluster);
  const topic = await kafka.topic(3);
  const dlqs = { pg: unique('kst-connect-e2e-dlq-pg'), search: unique('kst-connect-e2e-dlq-es') };
  const names = { pg: unique('e2e-pg'), search: unique('e2e-search') };
  try {
    const workload = productWorkload(10_000, { malformedEvery: 2000 });
    t.diagnostic(`${workload.changes.length} records, ${workload.expected.size} skus at the end, ${workload.malformed} malformed`);
    // Half before the connectors exist, half while they run: both the backlog and the live path.
    await produceChanges(kafka, topic, workload.changes.slice(0, 5000));

    const pgCreated = await http(worker.url, 'POST', '/connectors', { name: names.pg, config: { ...postgresConnectorConfig(topic, stack.postgresUrl, { 'batch.size': '500' }), ...deadLetterConfig(dlqs.pg) } });
    assert.equal(pgCreated.status, 201, JSON.stringify(pgCreated.body));
    const searchCreated = await http(worker.url, 'POST', '/connectors', { name: names.search, config: { ...searchConnectorConfig(topic, { 'batch.size': '500' }), ...deadLetterConfig(dlqs.search) } });
    assert.equal(searchCreated.status, 201, JSON.stringify(searchCreated.body));
    assert.deepEqual((searchCreated.body as { tasks: unknown[]; type: string }).type, 'sink');

    await produceChanges(kafka, topic, workload.changes.slice(5000), { chunk: 500 });

    await until('the table equals the expected state', async () => sameState(await tableState(db, topic), workload.expected), 60_000, 500);
    await until('the index equals the expected state', async () => sameState(await indexState(topic), workload.expected), 60_000, 500);
    assertSameState(await tableState(db, topic), workload.expected, `table ${topic}`);
    assertSameState(await indexState(topic), workload.expected, `index ${topic}`);

    for (const [sink, dlq] of Object.entries(dlqs)) {
      // At least once, as in Connect: a rebalance between the two tasks' start may redeliver a malformed record.
      const origin = (r: KafkaRecord): string => `${header(r, DLQ_HEADERS.partition)}/${header(r, DLQ_HEADERS.offset)}`;
      const dead = await readAll(dlq, workload.malformed, 30_000, (records) => new Set(records.map(origin)).size >= workload.malformed);
      assert.equal(new Set(dead.map(origin)).size, workload.malformed, `${sink}: every malformed record in the DLQ`);
      assert.deepEqual(new Set(dead.map((r) => r.value?.toString())), new Set(workload.changes.flatMap((c) => ('malformed' in c ? [c.malformed.toString()] : []))));
      for (const record of dead) {
        assert.match(record.value?.toString() ?? '', /^not avro \d+$/, 'the original bytes');
        assert.equal(header(record, DLQ_HEADERS.topic), topic);
        assert.match(header(record, DLQ_HEADERS.partition) ?? '', /^[0-2]$/);
        assert.match(header(record, DLQ_HEADERS.offset) ?? '', /^\d+$/);
        assert.equal(header(record, DLQ_HEADERS.connectorName), names[sink as keyof typeof names]);
        assert.match(header(record, DLQ_HEADERS.taskId) ?? '', /^[01]$/);
        assert.equal(header(record, DLQ_HEADERS.stage), 'VALUE_CONVERTER');
        assert.equal(header(record, DLQ_HEADERS.className), 'io.confluent.connect.avro.AvroConverter');
        assert.equal(header(record, DLQ_HEADERS.exceptionClassName), 'org.apache.kafka.connect.errors.DataException');
        assert.ok((header(record, DLQ_HEADERS.exceptionMessage) ?? '').length > 0);
      }
    }

    // The worker's /metrics counts the same: every malformed record dead-lettered, the rest read and written (at least once).
    const metrics = await (await fetch(`${worker.url}/metrics`)).text();
    const sum = (family: string, connector: string): number => [...metrics.matchAll(new RegExp(`^${family}\\{connector="${connector}",task="\\d+"\\} (\\S+)$`, 'gm'))].reduce((total, match) => total + Number(match[1]), 0);
    for (const name of Object.values(names)) {
      assert.ok(sum('kafka_connect_sink_task_dead_letter_records_total', name) >= workload.malformed, `${name}: dead letters counted`);
      assert.ok(sum('kafka_connect_sink_task_records_read_total', name) >= workload.changes.length, `${name}: records read counted`);
      assert.ok(sum('kafka_connect_sink_task_records_written_total', name) >= workload.changes.length - workload.malformed, `${name}: records written counted`);
    }

    for (const name of Object.values(names)) {
      const status = (await http(worker.url, 'GET', `/connectors/${name}/status`)).body as Status;
      assert.deepEqual([status.connector.state, ...status.tasks.map((task) => task.state)], ['RUNNING', 'RUNNING', 'RUNNING'], `${name} and its two tasks stay RUNNING: ${JSON.stringify(status)}`);
    }
    for (const name of Object.values(names)) assert.equal((await http(worker.url, 'DELETE', `/connectors/${name}`)).status, 204);
  } finally {
    await worker.stop();
    await kafka.admin.deleteTopics(Object.values(dlqs), { ifExists: true }).catch(() => undefined);
    await dropCluster(kafka.admin, cluster);
    await kafka.close();
    await dropTable(db, topic);
    await db.end();
    await dropIndex(topic);
  }
});
