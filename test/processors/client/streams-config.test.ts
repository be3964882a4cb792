import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isKstError } from '../../../common/errors.ts';
import { KafkaStreams, parseStreamsConfig } from '../../../processors/client/index.ts';
import { wordCount } from './fixtures/word-count.ts';

const base = { 'application.id': 'wordcount', 'bootstrap.servers': '127.0.0.1:9092' } as const;

test('defaults follow Kafka: at_least_once commits every 30 s, exactly_once_v2 every 100 ms', () => {
  assert.equal(parseStreamsConfig(base)['commit.interval.ms'], 30_000);
  assert.equal(parseStreamsConfig({ ...base, 'processing.guarantee': 'exactly_once_v2' })['commit.interval.ms'], 100);
  assert.equal(parseStreamsConfig({ ...base, 'processing.guarantee': 'exactly_once_v2', 'commit.interval.ms': 50 })['commit.interval.ms'], 50);
  const config = parseStreamsConfig(base);
  assert.equal(config['num.stream.threads'], 1);
  assert.equal(config['cache.max.bytes.buffering'], 10_485_760);
  assert.equal(config['replication.factor'], -1);
  assert.equal(config['application.server'], '');
  assert.equal(config['errors.dead.letter.queue.topic.name'], '');
  assert.deepEqual(config['bootstrap.servers'], ['127.0.0.1:9092']);
});

test('invalid config fails naming the key', () => {
  const cases: Array<[Record<string, unknown>, string]> = [
    [{ ...base, 'processing.guarantee': 'exactly_once' }, 'processing.guarantee'],
    [{ ...base, 'num.stream.threads': 0 }, 'num.stream.threads'],
    [{ ...base, 'commit.interval.ms': 'soon' }, 'commit.interval.ms'],
    [{ ...base, 'application.server': 'no-port' }, 'application.server'],
    [{ ...base, 'default.deserialization.exception.handler': 'ignore' }, 'default.deserialization.exception.handler'],
    [{ ...base, 'unknown.key': 1 }, 'unknown.key'],
    [{ 'bootstrap.servers': 'x:1' }, 'application.id'],
    [{ ...base, 'heartbeat.interval.ms': 50_000 }, 'heartbeat.interval.ms'],
  ];
  for (const [input, key] of cases) {
    assert.throws(() => parseStreamsConfig(input), (error: unknown) => isKstError(error, 'KST_CONFIG_INVALID') && error.details['key'] === key, key);
  }
});

test('the constructor validates: bad config, and more than one thread without a topology module', () => {
  assert.throws(() => new KafkaStreams(wordCount('in', 'out'), { ...base, 'processing.guarantee': 'nope' as 'at_least_once' }), (e: unknown) => isKstError(e, 'KST_CONFIG_INVALID'));
  assert.throws(() => new KafkaStreams(wordCount('in', 'out'), { ...base, 'num.stream.threads': 2 }), (e: unknown) =>
    isKstError(e, 'KST_CONFIG_INVALID') && e.details['key'] === 'num.stream.threads' && /module/.test(e.message));
  assert.throws(() => new KafkaStreams({} as never, base), (e: unknown) => isKstError(e, 'KST_CONFIG_INVALID'));
  const streams = new KafkaStreams({ module: new URL('./fixtures/word-count.ts', import.meta.url), exportName: 'buildFromEnv' }, { ...base, 'num.stream.threads': 2 });
  assert.equal(streams.state, 'CREATED');
});

test('a client never started closes to NOT_RUNNING and may be cleaned up', async () => {
  const streams = new KafkaStreams(wordCount('in', 'out'), { ...base, 'state.dir': '/tmp/kst-never-started' });
  const states: string[] = [];
  streams.setStateListener((next) => states.push(next));
  await streams.cleanUp();
  assert.equal(await streams.close(), true);
  assert.deepEqual(states, ['PENDING_SHUTDOWN', 'NOT_RUNNING']);
  await assert.rejects(streams.start(), (e: unknown) => isKstError(e, 'KST_ILLEGAL_STATE_TRANSITION'));
});

test('static membership and the transaction timeout: group.instance.id is optional, transaction.timeout.ms is 10 s and at least the commit interval under exactly-once', () => {
  const plain = parseStreamsConfig(base);
  assert.equal(plain['group.instance.id'], '');
  assert.equal(plain['transaction.timeout.ms'], 10_000);
  assert.equal(plain['session.timeout.ms'], 45_000);
  const eos = { ...base, 'processing.guarantee': 'exactly_once_v2' } as const;
  assert.equal(parseStreamsConfig({ ...eos, 'group.instance.id': 'order-0' })['group.instance.id'], 'order-0');
  assert.equal(parseStreamsConfig({ ...eos, 'transaction.timeout.ms': '30000' })['transaction.timeout.ms'], 30_000);
  const cases: Array<[Record<string, unknown>, string]> = [
    [{ ...eos, 'group.instance.id': 'order 0' }, 'group.instance.id'],
    [{ ...eos, 'transaction.timeout.ms': 500 }, 'transaction.timeout.ms'],
    [{ ...eos, 'commit.interval.ms': 20_000 }, 'transaction.timeout.ms'],
  ];
  for (const [input, key] of cases) {
    assert.throws(() => parseStreamsConfig(input), (error: unknown) => isKstError(error, 'KST_CONFIG_INVALID') && error.details['key'] === key, key);
  }
  // At least once never opens a transaction: a long commit interval is fine.
  assert.equal(parseStreamsConfig({ ...base, 'commit.interval.ms': 60_000 })['commit.interval.ms'], 60_000);
});
