/** Shared set-up for the adapter's broker tests: the stack's bootstrap address and unique names. */

import { randomBytes } from 'node:crypto';
import { endpoints, loadStackConfig } from '../../../scripts/stack/config.ts';
import { kafkaClientConfig, kafkaConsumerConfig, type KafkaClientConfig, type KafkaConsumerConfig } from '../../../processors/kafka/index.ts';

export function clientConfig(clientId = 'kst-test'): KafkaClientConfig {
  return kafkaClientConfig.parse({ 'bootstrap.servers': endpoints(loadStackConfig()).kafkaBootstrap, 'client.id': clientId, retries: 10, 'retry.backoff.ms': 200 });
}

export function consumerConfig(groupId: string, overrides: Record<string, unknown> = {}): KafkaConsumerConfig {
  return kafkaConsumerConfig.parse({
    'group.id': groupId,
    'auto.offset.reset': 'earliest',
    'fetch.max.wait.ms': 100,
    'session.timeout.ms': 10_000,
    'rebalance.timeout.ms': 15_000,
    'heartbeat.interval.ms': 500,
    ...overrides,
  });
}

export function unique(prefix: string): string {
  return `${prefix}-${randomBytes(5).toString('hex')}`;
}

/** Polls until `done()` holds or the deadline passes (then throws with `what`). */
export async function until(what: string, done: () => boolean | Promise<boolean>, step: () => Promise<unknown>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await step();
  }
}
