/**
 * What the Kafka adapter relies on in @platformatic/kafka beyond its documented options:
 * exported internal symbols, and the positions of request arguments that the adapter's
 * protocol hooks read or rewrite (api-hooks.ts, membership.ts, producer.ts). The library
 * calls `api(connection, ...args, callback)` with the arguments of each API version's
 * `createRequest`; if an upgrade renames, reorders or drops one of them, this fails in the
 * unit tests instead of against the broker.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as kafka from '@platformatic/kafka';

/** The parameter names of a compiled function, as written in its source. */
function parameterNames(fn: unknown): string[] {
  assert.equal(typeof fn, 'function');
  const source = (fn as () => void).toString();
  const list = /^[^(]*\(([^)]*)\)/.exec(source)?.[1] ?? '';
  return list.split(',').map((part) => part.replace(/=.*$/s, '').trim()).filter((name) => name !== '');
}

const library = kafka as unknown as Record<string, unknown>;

function createRequestOf(module: string): unknown {
  const namespace = library[module] as { createRequest?: unknown; api?: unknown } | undefined;
  assert.ok(namespace !== undefined, `@platformatic/kafka exports ${module}`);
  assert.equal(typeof namespace.api, 'function', `${module}.api`);
  return namespace.createRequest;
}

test('the symbols and helpers the adapter imports are exported', () => {
  for (const symbolName of ['kGetApi', 'kGetBootstrapConnection', 'kGetConnection']) assert.equal(typeof library[symbolName], 'symbol', symbolName);
  for (const fnName of ['murmur2', 'decodeConsumerProtocolAssignment', 'decodeConsumerProtocolSubscription', 'encodeConsumerProtocolAssignment']) assert.equal(typeof library[fnName], 'function', fnName);
  for (const className of ['Admin', 'Consumer', 'Producer', 'MultipleErrors', 'NetworkError', 'ProtocolError']) assert.equal(typeof library[className], 'function', className);
  assert.equal(typeof library['IS_CONTROL'], 'number');
  assert.equal(typeof library['IS_TRANSACTIONAL'], 'number');
  assert.equal(typeof (library['FindCoordinatorKeyTypes'] as Record<string, number> | undefined)?.['GROUP'], 'number');
  assert.equal(typeof (library['ConfigResourceTypes'] as Record<string, number> | undefined)?.['TOPIC'], 'number');
  // A client looks every API up through the kGetApi hook the adapter replaces per client.
  assert.equal(typeof (kafka.Consumer.prototype as unknown as Record<symbol, unknown>)[kafka.kGetApi], 'function');
});

test('JoinGroup: the member id is argument 3 (membership.ts reads it before the join)', () => {
  for (const version of ['joinGroupV5', 'joinGroupV6', 'joinGroupV7', 'joinGroupV8', 'joinGroupV9']) {
    const names = parameterNames(createRequestOf(version));
    assert.deepEqual(names.slice(0, 5), ['groupId', 'sessionTimeoutMs', 'rebalanceTimeoutMs', 'memberId', 'groupInstanceId'], version);
  }
});

test('SyncGroup: generation id 1, member id 2, assignments 6 (membership.ts fills the assignments)', () => {
  for (const version of ['syncGroupV3', 'syncGroupV4', 'syncGroupV5']) {
    const names = parameterNames(createRequestOf(version));
    assert.equal(names[1], 'generationId', version);
    assert.equal(names[2], 'memberId', version);
    assert.equal(names[3], 'groupInstanceId', version);
    assert.equal(names[6], 'assignments', version);
  }
});

test('LeaveGroup: the members (with their instance ids) are argument 1 (a static member leaves by name)', () => {
  for (const version of ['leaveGroupV3', 'leaveGroupV4', 'leaveGroupV5']) {
    assert.deepEqual(parameterNames(createRequestOf(version)).slice(0, 2), ['groupId', 'members'], version);
  }
});

test('InitProducerId: the transaction timeout is argument 1 (producer.ts sets transaction.timeout.ms there)', () => {
  for (const version of ['initProducerIdV3', 'initProducerIdV4', 'initProducerIdV5']) {
    assert.deepEqual(parameterNames(createRequestOf(version)).slice(0, 2), ['transactionalId', 'transactionTimeoutMs'], version);
  }
});

test('Produce v11 is the newest the library has, called with (acks, timeout, messages, options) (produce-encoder.ts encodes it)', () => {
  assert.deepEqual(parameterNames(createRequestOf('produceV11')), ['acks', 'timeout', 'topicData', 'options']);
  assert.equal(library['produceV12'], undefined, 'a newer Produce version would bypass the adapter\'s encoder: check its format, then widen fastProduce');
  assert.equal(typeof (library['produceV11'] as { parseResponse?: unknown }).parseResponse, 'function');
});

test('Fetch v17 is the newest the library has, with the arguments fetch-decoder.ts passes through to its createRequest', () => {
  assert.deepEqual(parameterNames(createRequestOf('fetchV17')), ['maxWaitMs', 'minBytes', 'maxBytes', 'isolationLevel', 'sessionId', 'sessionEpoch', 'topics', 'forgottenTopicsData', 'rackId']);
  assert.equal(library['fetchV18'], undefined, 'a newer Fetch version would bypass the adapter\'s decoder: check its response, then widen lazyFetch');
  for (const name of ['crc32c', 'readRecordsBatch', 'Writer', 'Reader', 'ResponseError']) assert.equal(typeof library[name], 'function', name);
});
