/**
 * Per-connector client settings, as Kafka Connect's `consumer.override.*` (with its default
 * override policy, All): a connector's config may set its sink tasks' consumer settings,
 * for example credentials of its own (`consumer.override.sasl.jaas.config`) on a secured
 * cluster. Keys of the Kafka client (connection, TLS, SASL) override the worker's client;
 * keys of the consumer (`fetch.max.wait.ms`, `session.timeout.ms`, …) the task's consumer.
 * Other keys are ignored, as Connect passes them to a client that does not know them.
 */

import { kafkaClientConfig, kafkaConsumerConfig, type KafkaClientConfig } from '../../processors/kafka/index.ts';

export const CONSUMER_OVERRIDE_PREFIX = 'consumer.override.';

export interface TaskClientSettings {
  readonly client: KafkaClientConfig;
  readonly consumer: Readonly<Record<string, unknown>>;
}

/** The worker's client with the connector's overrides applied, and the consumer overrides. */
export function taskClientSettings(worker: KafkaClientConfig, connectorConfig: Readonly<Record<string, string | undefined>>, consumerDefaults: Readonly<Record<string, unknown>> = {}): TaskClientSettings {
  const client: Record<string, unknown> = {};
  const consumer: Record<string, unknown> = { ...consumerDefaults };
  for (const [key, value] of Object.entries(connectorConfig)) {
    if (!key.startsWith(CONSUMER_OVERRIDE_PREFIX) || value === undefined) continue;
    const setting = key.slice(CONSUMER_OVERRIDE_PREFIX.length);
    if (Object.hasOwn(kafkaClientConfig.fields, setting)) client[setting] = value;
    else if (Object.hasOwn(kafkaConsumerConfig.fields, setting) && setting !== 'group.id') consumer[setting] = value;
  }
  if (Object.keys(client).length === 0) return { client: worker, consumer };
  return { client: kafkaClientConfig.parse({ ...worker, ...client }), consumer };
}
