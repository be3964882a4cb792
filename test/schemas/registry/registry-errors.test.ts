import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KstError } from '../../../common/errors.ts';
import { toRegistryError } from '../../../schemas/registry/registry-errors.ts';

function httpError(status: number, message: string): Error {
  return Object.assign(new Error(`Confluent_Schema_Registry - ${message}`), { name: 'ResponseError', status });
}

test('409 is KST_SCHEMA_INCOMPATIBLE carrying the registry message without the client prefix', () => {
  const error = toRegistryError(httpError(409, 'Incompatible artifact: x [AVRO]'), 'register schema', { subject: 's-value' });
  assert.equal(error.code, 'KST_SCHEMA_INCOMPATIBLE');
  assert.equal(error.details['registryMessage'], 'Incompatible artifact: x [AVRO]');
  assert.equal(error.details['subject'], 's-value');
  assert.match(error.message, /subject "s-value"/);
});

test('404, 422 and other statuses map to not found, invalid and registry errors', () => {
  assert.equal(toRegistryError(httpError(404, 'Schema 9 not found.'), 'get schema', { id: 9 }).code, 'KST_SCHEMA_NOT_FOUND');
  assert.equal(toRegistryError(httpError(422, 'Invalid compatibility level'), 'set compatibility').code, 'KST_SCHEMA_INVALID');
  const unavailable = toRegistryError(httpError(503, 'unavailable'), 'get schema', { id: 9 });
  assert.equal(unavailable.code, 'KST_SCHEMA_REGISTRY');
  assert.equal(unavailable.canRetry, true);
});

test('a refused connection (mappersmith status 400) is a retryable registry error', () => {
  const error = toRegistryError(httpError(400, 'Error, status 400: connect ECONNREFUSED 127.0.0.1:1'), 'get schema', { id: 1 });
  assert.equal(error.code, 'KST_SCHEMA_REGISTRY');
  assert.equal(error.details['status'], undefined);
});

test('library argument errors are invalid schemas; coded errors pass through', () => {
  const argument = Object.assign(new Error('Invalid name: undefined'), { name: 'ConfluentSchemaRegistryArgumentError' });
  assert.equal(toRegistryError(argument, 'register schema').code, 'KST_SCHEMA_INVALID');
  const coded = new KstError('KST_SCHEMA_REGISTRY', 'down');
  assert.equal(toRegistryError(coded, 'x'), coded);
});
