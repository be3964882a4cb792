import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MultipleErrors, NetworkError, ProtocolError } from '@platformatic/kafka';
import { KstError } from '../../../common/errors.ts';
import { hasProtocolError, isTransientCoordinatorError, protocolErrorIds, toKstError } from '../../../processors/kafka/errors.ts';

const nested = (...ids: string[]) => new MultipleErrors('outer', [new MultipleErrors('inner', ids.map((id) => new ProtocolError(id)))]);

test('protocol error ids are found in nested aggregate errors', () => {
  const error = nested('TOPIC_ALREADY_EXISTS', 'NOT_COORDINATOR');
  assert.deepEqual([...protocolErrorIds(error)].sort(), ['NOT_COORDINATOR', 'TOPIC_ALREADY_EXISTS']);
  assert.ok(hasProtocolError(error, 'TOPIC_ALREADY_EXISTS'));
  assert.ok(!hasProtocolError(new Error('plain'), 'TOPIC_ALREADY_EXISTS'));
});

test('fencing and lost membership win over the operation code', () => {
  assert.equal(toKstError(nested('PRODUCER_FENCED'), 'KST_KAFKA_TRANSACTION', 'commit').code, 'KST_KAFKA_PRODUCER_FENCED');
  assert.equal(toKstError(nested('INVALID_PRODUCER_EPOCH'), 'KST_KAFKA_PRODUCE', 'send').code, 'KST_KAFKA_PRODUCER_FENCED');
  const rebalance = toKstError(nested('ILLEGAL_GENERATION'), 'KST_KAFKA_CONSUMER', 'commit', { groupId: 'g' });
  assert.equal(rebalance.code, 'KST_KAFKA_REBALANCE');
  assert.equal(rebalance.needsRejoin, true);
  assert.deepEqual(rebalance.details, { groupId: 'g', protocolErrors: ['ILLEGAL_GENERATION'] });
});

test('a fenced static member (FENCED_INSTANCE_ID) is fatal, not a rejoin: rejoining would fence its replacement', () => {
  const fenced = toKstError(nested('FENCED_INSTANCE_ID'), 'KST_KAFKA_TRANSACTION', 'commit', { groupId: 'g' });
  assert.equal(fenced.code, 'KST_KAFKA_INSTANCE_FENCED');
  assert.equal(fenced.recovery, 'fatal');
  assert.equal(fenced.needsRejoin, false);
});

test('network failures map to KST_KAFKA_CONNECTION, the rest to the given code, KstErrors pass through', () => {
  assert.equal(toKstError(new NetworkError('down'), 'KST_KAFKA_PRODUCE', 'send').code, 'KST_KAFKA_CONNECTION');
  const other = toKstError(nested('INVALID_PARTITIONS'), 'KST_KAFKA_ADMIN', 'create');
  assert.equal(other.code, 'KST_KAFKA_ADMIN');
  assert.match(other.message, /INVALID_PARTITIONS/);
  assert.ok(other.cause instanceof MultipleErrors);
  const original = new KstError('KST_KAFKA_ASSIGNOR', 'x');
  assert.equal(toKstError(original, 'KST_KAFKA_CONSUMER', 'y'), original);
});

test('a batch refused as too large maps to KST_KAFKA_RECORD_TOO_LARGE and names its topic and partition', async () => {
  const { ResponseError } = await import('@platformatic/kafka');
  const { tooLargePartitions } = await import('../../../processors/kafka/errors.ts');
  const response = { responses: [{ name: 'out', partitionResponses: [{ index: 0 }, { index: 3 }] }] };
  const error = new ResponseError(0, 9, { '/responses/0/partition_responses/1': [10, 'too big'] }, response);
  assert.deepEqual(tooLargePartitions(new MultipleErrors('outer', [error])), [{ topic: 'out', partition: 3 }]);
  assert.equal(toKstError(error, 'KST_KAFKA_PRODUCE', 'send').code, 'KST_KAFKA_RECORD_TOO_LARGE');
  assert.deepEqual(tooLargePartitions(nested('NOT_LEADER_OR_FOLLOWER')), []);
});

test('a broker restart is transient: unreachable brokers and a coordinator that moved or loads; anything else is not', () => {
  assert.ok(isTransientCoordinatorError(toKstError(nested('NOT_COORDINATOR', 'COORDINATOR_LOAD_IN_PROGRESS'), 'KST_KAFKA_TRANSACTION', 'init')));
  assert.ok(isTransientCoordinatorError(toKstError(new NetworkError('down'), 'KST_KAFKA_TRANSACTION', 'init')));
  assert.ok(isTransientCoordinatorError(nested('CONCURRENT_TRANSACTIONS')));
  assert.ok(!isTransientCoordinatorError(toKstError(nested('NOT_COORDINATOR', 'TRANSACTIONAL_ID_AUTHORIZATION_FAILED'), 'KST_KAFKA_TRANSACTION', 'init')));
  assert.ok(!isTransientCoordinatorError(toKstError(nested('PRODUCER_FENCED'), 'KST_KAFKA_TRANSACTION', 'init')));
  assert.ok(!isTransientCoordinatorError(new Error('plain')));
});
