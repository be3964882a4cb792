/**
 * Secured clusters: the stack's SASL_SSL listener (SCRAM, TLS with the stack's own CA).
 * A word count and a short exactly-once run go through it end to end (topics created, input
 * produced, the application run and its output read, all over SASL_SSL), and a wrong
 * password ends in a coded error naming the setting within 10 s instead of a retry storm.
 */

import '../../support/exit-after-tests.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KafkaStreams } from '../../../processors/client/index.ts';
import { KafkaAdmin, KafkaProducer, kafkaClientConfig, type ProducerRecord } from '../../../processors/kafka/index.ts';
import { KstError } from '../../../common/errors.ts';
import { loadStackConfig } from '../../../scripts/stack/config.ts';
import { securedKafkaClient } from '../../../scripts/stack/kafka-security.ts';
import { splitWords, wordCount } from '../client/fixtures/word-count.ts';
import { expectedCounts, latestCounts, makeLines, readUntil, sameCounts, tempStateDir, text, uniqueName, waitForState } from '../client/helpers.ts';

const secured = securedKafkaClient(loadStackConfig());

const client = (id: string, mechanism: 'SCRAM-SHA-512' | 'SCRAM-SHA-256' = 'SCRAM-SHA-512') =>
  kafkaClientConfig.parse({ ...securedKafkaClient(loadStackConfig(), mechanism).settings, 'bootstrap.servers': secured.bootstrap, 'client.id': id, retries: 10, 'retry.backoff.ms': 200 });

async function createTopics(topics: ReadonlyArray<{ name: string; partitions: number }>): Promise<void> {
  const admin = new KafkaAdmin(client('kst-sasl-admin'));
  try {
    await admin.createTopics(topics);
  } finally {
    await admin.close();
  }
}

async function produce(records: readonly ProducerRecord[]): Promise<void> {
  const producer = new KafkaProducer(client('kst-sasl-producer', 'SCRAM-SHA-256'));
  try {
    await producer.send(records);
  } finally {
    await producer.close();
  }
}

for (const guarantee of ['at_least_once', 'exactly_once_v2'] as const) {
  test(`word count over SASL_SSL with SCRAM-SHA-512 (${guarantee}) gives exactly the expected counts`, { timeout: 120_000 }, async () => {
    const input = uniqueName('kst-sasl-in');
    const output = uniqueName('kst-sasl-out');
    await createTopics([{ name: input, partitions: 2 }, { name: output, partitions: 2 }]);
    const state = tempStateDir();
    const streams = new KafkaStreams(wordCount(input, output), {
      ...secured.settings,
      'application.id': uniqueName('kst-sasl-wc'),
      'bootstrap.servers': secured.bootstrap,
      'processing.guarantee': guarantee,
      'state.dir': state.dir,
      'session.timeout.ms': 10_000,
      'heartbeat.interval.ms': 1_000,
      'commit.interval.ms': 200,
    });
    try {
      await streams.start();
      await waitForState(streams, 'RUNNING');
      const lines = makeLines(1_000, guarantee === 'at_least_once' ? 3 : 5);
      await produce(lines.map((line, i) => ({ topic: input, key: text(`k${i}`), value: text(line) })));
      const expected = expectedCounts(lines, splitWords);
      const records = await readUntil(output, (r) => sameCounts(latestCounts(r), expected), { client: client('kst-sasl-reader'), quietMs: 0 });
      assert.deepEqual(latestCounts(records), expected);
      assert.notEqual(streams.state, 'ERROR');
    } finally {
      await streams.close({ timeoutMs: 30_000 });
      state.remove();
    }
  });
}

test('a wrong SCRAM password fails within 10 s with KST_KAFKA_AUTHENTICATION naming the setting', { timeout: 30_000 }, async () => {
  const state = tempStateDir();
  const wrong = secured.settings['sasl.jaas.config'].replace(/password="[^"]*"/, 'password="not-the-password"');
  assert.notEqual(wrong, secured.settings['sasl.jaas.config'], 'the test really changed the password');
  const streams = new KafkaStreams(wordCount(uniqueName('kst-sasl-never-in'), uniqueName('kst-sasl-never-out')), {
    ...secured.settings,
    'sasl.jaas.config': wrong,
    'application.id': uniqueName('kst-sasl-wrong'),
    'bootstrap.servers': secured.bootstrap,
    'state.dir': state.dir,
  });
  const started = Date.now();
  try {
    await assert.rejects(streams.start(), (error: unknown) => {
      assert.ok(error instanceof KstError, `a coded error, got ${String(error)}`);
      assert.equal(error.code, 'KST_KAFKA_AUTHENTICATION');
      assert.match(error.message, /sasl\.jaas\.config/);
      return true;
    });
    const took = Date.now() - started;
    console.log(`wrong password refused after ${took} ms`);
    assert.ok(took < 10_000, `refused within 10 s (took ${took} ms)`);
    assert.equal(streams.state, 'ERROR');
  } finally {
    await streams.close({ timeoutMs: 10_000 });
    state.remove();
  }
});

test('a client that does not trust the broker\'s CA fails with KST_KAFKA_TLS naming ssl.ca.location', { timeout: 30_000 }, async () => {
  const { 'ssl.ca.location': _trusted, ...untrusting } = secured.settings;
  const admin = new KafkaAdmin(kafkaClientConfig.parse({ ...untrusting, 'bootstrap.servers': secured.bootstrap, 'client.id': 'kst-sasl-untrusting', retries: 1 }));
  try {
    await assert.rejects(admin.createTopics([{ name: uniqueName('kst-sasl-never'), partitions: 1 }]), (error: unknown) => {
      assert.ok(error instanceof KstError, `a coded error, got ${String(error)}`);
      assert.equal(error.code, 'KST_KAFKA_TLS');
      assert.match(error.message, /ssl\.ca\.location/);
      return true;
    });
  } finally {
    await admin.close();
  }
});
