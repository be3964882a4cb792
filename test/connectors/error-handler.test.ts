import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isKstError, KstError } from '../../common/errors.ts';
import type { SinkRecord } from '../../connectors/api/connect-record.ts';
import { LoggerRegistry } from '../../connectors/logging/loggers.ts';
import { SKIPPED, ErrorHandler, errorHandlingConfig } from '../../connectors/runtime/error-handler.ts';
import type { DeadLetterQueue, ErrorContext } from '../../connectors/runtime/dead-letter-queue.ts';
import { contextHeaders } from '../../connectors/runtime/dead-letter-queue.ts';
import { buildTransformChain, applyStage } from '../../connectors/runtime/transform-chain.ts';
import type { KafkaRecord } from '../../processors/kafka/index.ts';

const record: KafkaRecord = { topic: 'orders', partition: 2, offset: 7n, timestamp: 1n, key: Buffer.from('k'), value: Buffer.from('v'), headers: [], leaderEpoch: 0 };
const quiet = (lines: string[] = []) => new LoggerRegistry('INFO', (line) => lines.push(line)).get('test');

function recordingDlq(reports: ErrorContext[]): DeadLetterQueue {
  return { report: async (context: ErrorContext) => void reports.push(context) } as unknown as DeadLetterQueue;
}

test('retriable failures are retried with backoff within errors.retry.timeout', async () => {
  const handler = new ErrorHandler(errorHandlingConfig({ 'errors.retry.timeout': '5000', 'errors.retry.delay.max.ms': '400' }), quiet(), undefined, () => false);
  let attempts = 0;
  const started = Date.now();
  const result = await handler.execute(record, 'VALUE_CONVERTER', 'C', () => {
    if (++attempts < 3) throw new KstError('KST_SCHEMA_REGISTRY', 'registry down');
    return 'converted';
  });
  assert.equal(result, 'converted');
  assert.equal(attempts, 3);
  assert.ok(Date.now() - started >= 300 + 400 - 50, 'backoff 300 ms, then doubled and capped at 400 ms');
});

test('non-retriable failures are not retried: tolerance none fails, tolerance all logs, dead-letters and skips', async () => {
  const failing = (): never => {
    throw new KstError('KST_CONNECT_CONVERSION_FAILED', 'bad bytes');
  };
  const strict = new ErrorHandler(errorHandlingConfig({ 'errors.retry.timeout': '60000' }), quiet(), undefined, () => false);
  await assert.rejects(strict.execute(record, 'VALUE_CONVERTER', 'C', failing), (error: unknown) =>
    isKstError(error, 'KST_CONNECT_TOLERANCE_EXCEEDED') && isKstError(error.cause, 'KST_CONNECT_CONVERSION_FAILED'));

  const lines: string[] = [];
  const reports: ErrorContext[] = [];
  const tolerant = new ErrorHandler(errorHandlingConfig({ 'errors.tolerance': 'all', 'errors.log.enable': 'true', 'errors.log.include.messages': 'true' }), quiet(lines), recordingDlq(reports), () => false);
  assert.equal(await tolerant.execute(record, 'VALUE_CONVERTER', 'org.apache.kafka.connect.json.JsonConverter', failing), SKIPPED);
  assert.equal(tolerant.totalErrors, 1);
  assert.equal(reports[0]?.stage, 'VALUE_CONVERTER');
  assert.match(lines[0] ?? '', /Error encountered in task\. Executing stage 'VALUE_CONVERTER' with class 'org.apache.kafka.connect.json.JsonConverter', where consumed record is \{topic='orders', partition=2, offset=7, key=k, value=v\}/);
});

test('retries stop when the timeout is spent; errors.retry.timeout=0 never retries', async () => {
  const handler = new ErrorHandler(errorHandlingConfig({ 'errors.tolerance': 'all', 'errors.retry.timeout': '0' }), quiet(), undefined, () => false);
  let attempts = 0;
  assert.equal(await handler.execute(record, 'TRANSFORMATION', 'T', () => {
    attempts++;
    throw Object.assign(new Error('busy'), { retriable: true });
  }), SKIPPED);
  assert.equal(attempts, 1);
});

test('DLQ context headers carry Connect\'s names and values', () => {
  const headers = new Map(contextHeaders({ record, stage: 'TRANSFORMATION', className: 'org.apache.kafka.connect.transforms.Cast$Value', error: new KstError('KST_TRANSFORM_INPUT_INVALID', 'not a struct') }, { connectorName: 'c', taskId: 3 }).map(([k, v]) => [k, v.toString()]));
  assert.deepEqual([...headers.keys()], ['__connect.errors.topic', '__connect.errors.partition', '__connect.errors.offset', '__connect.errors.connector.name', '__connect.errors.task.id', '__connect.errors.stage', '__connect.errors.class.name', '__connect.errors.exception.class.name', '__connect.errors.exception.message', '__connect.errors.exception.stacktrace']);
  assert.equal(headers.get('__connect.errors.offset'), '7');
  assert.equal(headers.get('__connect.errors.task.id'), '3');
  assert.equal(headers.get('__connect.errors.exception.class.name'), 'org.apache.kafka.connect.errors.DataException');
  assert.equal(headers.get('__connect.errors.exception.message'), 'KST_TRANSFORM_INPUT_INVALID: not a struct');
});

test('the transform chain applies predicates and negation as Connect does', () => {
  const stages = buildTransformChain({
    transforms: 'route', 'transforms.route.type': 'org.apache.kafka.connect.transforms.RegexRouter', 'transforms.route.regex': '(.*)', 'transforms.route.replacement': '$1-x',
    'transforms.route.predicate': 'isOrders', 'transforms.route.negate': 'true',
    predicates: 'isOrders', 'predicates.isOrders.type': 'org.apache.kafka.connect.transforms.predicates.TopicNameMatches', 'predicates.isOrders.pattern': 'orders',
  });
  const sinkRecord = (topic: string): SinkRecord => ({ topic, kafkaPartition: 0, kafkaOffset: 0n, timestamp: undefined, timestampType: 'NoTimestampType', keySchema: null, key: null, valueSchema: null, value: 1, headers: [] });
  const stage = stages[0];
  assert.ok(stage !== undefined);
  assert.equal(applyStage(stage, sinkRecord('orders'))?.topic, 'orders', 'negated predicate holds: not applied');
  assert.equal(applyStage(stage, sinkRecord('payments'))?.topic, 'payments-x');
});
