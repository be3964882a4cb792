import { test } from 'node:test';
import assert from 'node:assert/strict';
import { boolean, defineConfig, integer, list, oneOf, port, string } from '../../common/config.ts';
import { isKstError } from '../../common/errors.ts';

const schema = defineConfig({
  'application.id': string({ doc: 'The application id.' }),
  'commit.interval.ms': integer({ default: 100, min: 0, doc: 'Commit interval.' }),
  'processing.guarantee': oneOf(['at_least_once', 'exactly_once_v2'] as const, { default: 'at_least_once', doc: 'Guarantee.' }),
  'bootstrap.servers': list({ default: ['127.0.0.1:9092'], doc: 'Brokers.' }),
  'state.cleanup': boolean({ default: false, doc: 'Wipe state on start.' }),
  'http.port': port({ default: 8080, doc: 'Port.' }),
});

function rejects(input: Record<string, unknown>, key: string, pattern: RegExp): void {
  assert.throws(() => schema.parse(input), (error: unknown) => {
    assert.ok(isKstError(error, 'KST_CONFIG_INVALID'));
    assert.equal(error.details['key'], key);
    assert.match(error.message, pattern);
    return true;
  });
}

test('defaults fill in, values convert, and the result is frozen', () => {
  const config = schema.parse({ 'application.id': 'orders', 'commit.interval.ms': '250', 'bootstrap.servers': 'a:1, b:2', 'state.cleanup': 'true' });
  assert.deepEqual({ ...config }, {
    'application.id': 'orders',
    'commit.interval.ms': 250,
    'processing.guarantee': 'at_least_once',
    'bootstrap.servers': ['a:1', 'b:2'],
    'state.cleanup': true,
    'http.port': 8080,
  });
  assert.ok(Object.isFrozen(config));
});

test('invalid config fails naming the key', () => {
  rejects({}, 'application.id', /"application.id" is required/);
  rejects({ 'application.id': 'a', 'commit.interval.ms': -1 }, 'commit.interval.ms', /at least 0/);
  rejects({ 'application.id': 'a', 'commit.interval.ms': '1.5' }, 'commit.interval.ms', /must be an integer/);
  rejects({ 'application.id': 'a', 'processing.guarantee': 'exactly_once' }, 'processing.guarantee', /one of at_least_once, exactly_once_v2/);
  rejects({ 'application.id': 'a', 'http.port': 70000 }, 'http.port', /at most 65535/);
  rejects({ 'application.id': 'a', 'state.cleanup': 'yes' }, 'state.cleanup', /true or false/);
  rejects({ 'application.id': 'a', 'comit.interval.ms': 5 }, 'comit.interval.ms', /not a known key/);
});

test('fromEnv reads prefixed variables and names the variable in errors', () => {
  const config = schema.fromEnv({ APP_APPLICATION_ID: 'x', APP_HTTP_PORT: '9000' }, 'APP');
  assert.equal(config['http.port'], 9000);
  assert.throws(() => schema.fromEnv({ APP_APPLICATION_ID: 'x', APP_HTTP_PORT: 'abc' }, 'APP'), /"http.port" must be an integer.*APP_HTTP_PORT/);
});

test('document lists every key with its default', () => {
  const doc = schema.document();
  for (const key of Object.keys(schema.fields)) assert.ok(doc.includes(`\`${key}\``));
  assert.match(doc, /`application.id` \| string \| \(required\)/);
});

test('a string whose default is empty is optional: empty passes as "not set", other values must match its pattern; a required one refuses empty', () => {
  const optional = defineConfig({
    prefix: string({ default: '', pattern: /^[a-z]+-$/, doc: 'Optional prefix.' }),
    name: string({ doc: 'Required name.' }),
  });
  assert.equal(optional.parse({ name: 'n', prefix: '' }).prefix, '');
  assert.equal(optional.parse({ name: 'n', prefix: 'run-' }).prefix, 'run-');
  assert.throws(() => optional.parse({ name: 'n', prefix: 'Run' }), /must match/);
  assert.throws(() => optional.parse({ name: '' }), /non-empty string/);
});
