/**
 * The streams client's settings, named as Kafka Streams names them so operators carry
 * their habits over. Options go through visible stages: the user's object → defaults
 * that depend on other keys (`commit.interval.ms` on the guarantee) filled in → parsed
 * and frozen by one schema (`streamsConfig`), which also documents every key. Invalid
 * input fails in the `KafkaStreams` constructor with `KST_CONFIG_INVALID` naming the key.
 *
 * @example
 * ```ts
 * const config = parseStreamsConfig({ 'application.id': 'wordcount', 'bootstrap.servers': '127.0.0.1:9092', 'processing.guarantee': 'exactly_once_v2' });
 * config['commit.interval.ms']; // 100, Kafka's default under exactly-once
 * ```
 */

import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig, integer, list, oneOf, string, type ConfigOf, type Field } from '../../common/config.ts';
import { KstError } from '../../common/errors.ts';
import { securityFields, toSecurityOptions } from '../kafka/security-config.ts';

export const PROCESSING_GUARANTEES = ['at_least_once', 'exactly_once_v2'] as const;
export type ProcessingGuarantee = (typeof PROCESSING_GUARANTEES)[number];

const HANDLERS = ['log-and-fail', 'log-and-continue'] as const;
const PRODUCTION_HANDLERS = ['default', 'log-and-continue'] as const;
const NAME = /^[a-zA-Z0-9._-]+$/;

/** A string key that may be left out: '' stands for "not set" (the schema treats a missing default as required). */
function optionalString(pattern: RegExp, doc: string): Field<string> {
  return Object.freeze({
    kind: 'string',
    doc,
    default: '',
    convert: (raw: unknown, key: string): string => {
      if (typeof raw !== 'string' || (raw !== '' && !pattern.test(raw))) {
        throw new KstError('KST_CONFIG_INVALID', `config "${key}" must be a string matching ${pattern} (got ${JSON.stringify(raw)})`, { key, value: raw });
      }
      return raw;
    },
  });
}

/** Kafka's defaults: a commit every 30 s at least once, every 100 ms under exactly-once (it bounds end-to-end latency). */
export const DEFAULT_COMMIT_INTERVAL_MS: Readonly<Record<ProcessingGuarantee, number>> = Object.freeze({ at_least_once: 30_000, exactly_once_v2: 100 });

export const streamsConfig = defineConfig({
  'application.id': string({ pattern: NAME, doc: 'Names the application: the consumer group id, the prefix of internal topics and transactional ids, the folder under state.dir.' }),
  'bootstrap.servers': list({ doc: 'Brokers to bootstrap from, as host:port.' }),
  'processing.guarantee': oneOf(PROCESSING_GUARANTEES, { default: 'at_least_once', doc: 'exactly_once_v2: one transactional producer per thread, offsets committed in the transaction, read_committed consumers.' }),
  'num.stream.threads': integer({ default: 1, min: 1, max: 256, doc: 'Stream threads of this client; more than one runs each on a worker thread and needs the topology as a module.' }),
  'commit.interval.ms': integer({ default: DEFAULT_COMMIT_INTERVAL_MS.at_least_once, min: 0, doc: 'How often offsets are committed (and stores flushed); 30000 at_least_once, 100 exactly_once_v2 when not set. Under exactly_once_v2 it is an upper bound: a thread that has caught up with its input commits at once, so output becomes visible without waiting for the interval.' }),
  'state.dir': string({ default: join(tmpdir(), 'kafka-streams'), doc: 'Root folder of local state: <state.dir>/<application.id>/<taskId>/<store>.' }),
  'application.server': optionalString(/^[^\s:]+:\d{1,5}$/, 'host:port where this instance answers interactive queries, shared with the group.'),
  'num.standby.replicas': integer({ default: 0, min: 0, doc: 'Standby copies of each stateful task kept warm on other instances.' }),
  'acceptable.recovery.lag': integer({ default: 10_000, min: 0, doc: 'Records of changelog an instance\'s state may lag and still be given a stateful task as active (KIP-441). A task whose balanced place lags more stays on an instance that has caught up while its target restores it as a warm-up replica.' }),
  'max.warmup.replicas': integer({ default: 2, min: 1, doc: 'Warm-up replicas (standbys restoring a task before it moves there) in the whole group at once.' }),
  'probing.rebalance.interval.ms': integer({ default: 600_000, min: 1_000, doc: 'How long after an assignment that keeps tasks waiting for warm-up replicas the group rebalances again to move the tasks whose targets caught up. Kafka Streams requires at least 60000; shorter values are allowed here for tests.' }),
  'cache.max.bytes.buffering': integer({ default: 10_485_760, min: 0, doc: 'Record cache of all threads together, shared by their stores; 0 disables caching.' }),
  'replication.factor': integer({ default: -1, min: -1, doc: 'Replication factor of internal topics; -1 takes the broker default.' }),
  'default.deserialization.exception.handler': oneOf(HANDLERS, { default: 'log-and-fail', doc: 'What to do with a record that does not deserialize.' }),
  'processing.exception.handler': oneOf(HANDLERS, { default: 'log-and-fail', doc: 'What to do when a processor, punctuator or sink throws (KIP-1033).' }),
  'production.exception.handler': oneOf(PRODUCTION_HANDLERS, {
    default: 'default',
    doc: 'What to do when sending output fails. A record too large to send (over producer.max.request.size, or refused by the broker as over the topic\'s max.message.bytes): default fails the thread with KST_KAFKA_RECORD_TOO_LARGE naming topic and partition; log-and-continue skips it and writes its key and error headers to the dead-letter topic when one is set (both guarantees). Any other failed send: default fails the thread; log-and-continue drops the batch (at_least_once only).',
  }),
  'errors.dead.letter.queue.topic.name': optionalString(NAME, 'Topic that receives records a handler skipped, with error headers (KIP-1034).'),
  'max.poll.records': integer({ default: 1000, min: 1, doc: 'Most records handed to the tasks in one processing round; a larger fetch is processed in slices.' }),
  'max.task.idle.ms': integer({
    default: 0,
    min: -1,
    doc: 'How long a task with several input partitions waits for one that has nothing buffered but is caught up (known lag 0) before it processes the others anyway (enforced processing, counted in kstreams_task_enforced_processing_total). It always waits while such a partition has data on the broker (lag above 0 or not known yet); -1 never waits, so records of one partition may overtake older records of another.',
  }),
  'buffered.records.per.partition': integer({ default: 1000, min: 1, doc: 'Records a task buffers per input partition before fetching that partition pauses.' }),
  'poll.ms': integer({ default: 100, min: 0, doc: 'How long a poll waits for data when there is none.' }),
  'group.instance.id': optionalString(NAME, 'Static membership (KIP-345): a stable id of this instance, unique in the application (e.g. order-0). Each stream thread joins as <id>-<thread index>; a restart within session.timeout.ms takes its old place and tasks without a rebalance, close() does not leave the group (close({ leaveGroup: true }) does), and the process id and transactional ids derive from it, so a restart fences its predecessor\'s producers at once.'),
  'session.timeout.ms': integer({ default: 45_000, min: 1_000, doc: 'A member not heard from for this long leaves the group. With group.instance.id it is also how long a crashed instance\'s tasks wait for it to come back before they move: a restart within it costs no rebalance; a lasting failure leaves those tasks idle that long (45 s, as Kafka Streams; lower it for faster fail-over, keep it above a restart\'s duration).' }),
  'heartbeat.interval.ms': integer({ default: 3_000, min: 100, doc: 'Heartbeat period of the group members.' }),
  'max.poll.interval.ms': integer({ default: 300_000, min: 1_000, doc: 'How long a rebalance waits for members to rejoin (and finish committing).' }),
  'auto.offset.reset': oneOf(['earliest', 'latest', 'none'] as const, { default: 'earliest', doc: 'Where to start a partition without a committed offset.' }),
  'client.id': optionalString(NAME, 'Prefix of the Kafka client ids; derived from application.id and the process id when not set.'),
  'request.timeout.ms': integer({ default: 30_000, min: 100, doc: 'How long one Kafka request may take.' }),
  'transaction.timeout.ms': integer({ default: 10_000, min: 1_000, doc: 'exactly_once_v2: the producers\' transaction.timeout.ms, 10000 as Kafka Streams sets it. The coordinator aborts a transaction open this long and fences its producer, so a crashed thread\'s open transaction blocks read_committed readers of its partitions for at most this long when no successor fences it sooner. At least commit.interval.ms.' }),
  retries: integer({ default: 10, min: 0, doc: 'Retries of a retriable Kafka request.' }),
  'retry.backoff.ms': integer({ default: 200, min: 0, doc: 'Pause between two retries.' }),
  'producer.batch.size': integer({ default: 16_384, min: 1, doc: 'The producer\'s batch.size: bytes of one partition\'s batch in a produce request; a send goes out as several requests when it holds more.' }),
  'producer.max.request.size': integer({ default: 1_048_576, min: 1_024, doc: 'The producer\'s max.request.size: bytes of one produce request, and the largest output record; a larger one goes to production.exception.handler. Keep it at or below the topics\' max.message.bytes.' }),
  'producer.batch.records': integer({ default: 20_000, min: 1, doc: 'Buffered output records that trigger a send before the commit (every send is still one batched request). One send is in flight at a time, so larger sends mean fewer round trips to wait for: 20000 sends about a third faster than 5000 where every input record makes an output (bench, stream-table join).' }),
  ...securityFields,
});

export type StreamsConfig = ConfigOf<typeof streamsConfig.fields>;

/** What users pass: every key optional but the two required ones; values may be strings, as from env or files. */
export type StreamsConfigInput = {
  readonly 'application.id': string;
  readonly 'bootstrap.servers': string | readonly string[];
  readonly 'processing.guarantee'?: ProcessingGuarantee;
} & { readonly [K in Exclude<keyof StreamsConfig, 'application.id' | 'bootstrap.servers' | 'processing.guarantee'>]?: StreamsConfig[K] | string };

/** Fills in the defaults that depend on other keys, then validates everything. */
export function parseStreamsConfig(input: Readonly<Record<string, unknown>>): StreamsConfig {
  if (input === null || typeof input !== 'object') throw new KstError('KST_CONFIG_INVALID', 'the streams config must be an object', { key: 'config' });
  const guarantee = input['processing.guarantee'] ?? 'at_least_once';
  const withDefaults: Record<string, unknown> = { ...input };
  if (withDefaults['commit.interval.ms'] === undefined && typeof guarantee === 'string' && guarantee in DEFAULT_COMMIT_INTERVAL_MS) {
    withDefaults['commit.interval.ms'] = DEFAULT_COMMIT_INTERVAL_MS[guarantee as ProcessingGuarantee];
  }
  const config = streamsConfig.parse(withDefaults);
  if (config['processing.guarantee'] === 'exactly_once_v2' && config['transaction.timeout.ms'] < config['commit.interval.ms']) {
    throw new KstError('KST_CONFIG_INVALID', `config "transaction.timeout.ms" must be at least commit.interval.ms (${config['commit.interval.ms']}) under exactly_once_v2: a transaction stays open that long`, { key: 'transaction.timeout.ms', value: config['transaction.timeout.ms'] });
  }
  if (config['heartbeat.interval.ms'] >= config['session.timeout.ms']) {
    throw new KstError('KST_CONFIG_INVALID', `config "heartbeat.interval.ms" must be lower than session.timeout.ms (${config['session.timeout.ms']})`, { key: 'heartbeat.interval.ms', value: config['heartbeat.interval.ms'] });
  }
  // TLS and SASL settings that belong together (credentials, readable PEM files) fail here, not at the first connection.
  toSecurityOptions(config);
  return config;
}
