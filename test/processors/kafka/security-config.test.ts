import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KstError } from '../../../common/errors.ts';
import { kafkaClientConfig, toBaseOptions } from '../../../processors/kafka/config.ts';
import { credentialsKey, parseJaasCredentials, toSecurityOptions } from '../../../processors/kafka/security-config.ts';
import { toKstError } from '../../../processors/kafka/errors.ts';
import { parseStreamsConfig } from '../../../processors/client/streams-config.ts';

const parse = (input: Record<string, unknown>) => kafkaClientConfig.parse({ 'bootstrap.servers': 'b:9094', ...input });

function rejectsKey(call: () => unknown, key: string): void {
  assert.throws(call, (error: unknown) => error instanceof KstError && error.code === 'KST_CONFIG_INVALID' && error.details['key'] === key && error.message.includes(key));
}

test('PLAINTEXT, the default, adds neither TLS nor SASL', () => {
  const options = toBaseOptions(parse({}));
  assert.equal(options.tls, undefined);
  assert.equal(options.sasl, undefined);
});

test('the JAAS line gives user and password, escaped quotes included', () => {
  assert.deepEqual(parseJaasCredentials('org.apache.kafka.common.security.scram.ScramLoginModule required username="alice" password="p\\"w=;";'), { username: 'alice', password: 'p"w=;' });
  rejectsKey(() => parseJaasCredentials('org.apache.kafka.common.security.plain.PlainLoginModule required username="alice";'), 'sasl.jaas.config');
});

test('SASL_SSL with SCRAM: credentials from the JAAS line win over username/password, TLS trusts the given CA', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kst-security-'));
  try {
    writeFileSync(join(dir, 'ca.pem'), 'not checked here');
    const config = parse({
      'security.protocol': 'SASL_SSL',
      'sasl.mechanism': 'SCRAM-SHA-512',
      'sasl.jaas.config': 'org.apache.kafka.common.security.scram.ScramLoginModule required username="app" password="secret";',
      'sasl.username': 'ignored',
      'ssl.ca.location': join(dir, 'ca.pem'),
    });
    const options = toSecurityOptions(config);
    assert.deepEqual(options.sasl, { mechanism: 'SCRAM-SHA-512', username: 'app', password: 'secret' });
    assert.equal(options.tls?.ca?.toString(), 'not checked here');
    assert.equal(credentialsKey(config), 'sasl.jaas.config');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('what a protocol needs is checked, naming the key', () => {
  rejectsKey(() => toSecurityOptions(parse({ 'security.protocol': 'SASL_PLAINTEXT', 'sasl.mechanism': 'PLAIN', 'sasl.password': 'x' })), 'sasl.username');
  rejectsKey(() => toSecurityOptions(parse({ 'security.protocol': 'SASL_PLAINTEXT', 'sasl.mechanism': 'PLAIN', 'sasl.username': 'x' })), 'sasl.password');
  rejectsKey(() => toSecurityOptions(parse({ 'security.protocol': 'SASL_SSL', 'sasl.mechanism': 'OAUTHBEARER' })), 'sasl.oauthbearer.token');
  rejectsKey(() => toSecurityOptions(parse({ 'security.protocol': 'SSL', 'ssl.ca.location': '/no/such/ca.pem' })), 'ssl.ca.location');
  rejectsKey(() => toSecurityOptions(parse({ 'security.protocol': 'SSL', 'ssl.certificate.location': '/c.pem' })), 'ssl.key.location');
  rejectsKey(() => parse({ 'security.protocol': 'SASL_SCRAM' }), 'security.protocol');
  rejectsKey(() => parse({ 'sasl.mechanism': 'GSSAPI' }), 'sasl.mechanism');
});

test('the streams config carries the same settings and checks them when parsed', () => {
  rejectsKey(() => parseStreamsConfig({ 'application.id': 'a', 'bootstrap.servers': 'b:1', 'security.protocol': 'SASL_SSL', 'sasl.mechanism': 'SCRAM-SHA-256' }), 'sasl.username');
  const config = parseStreamsConfig({ 'application.id': 'a', 'bootstrap.servers': 'b:1', 'security.protocol': 'SASL_PLAINTEXT', 'sasl.mechanism': 'PLAIN', 'sasl.username': 'u', 'sasl.password': 'p' });
  assert.equal(config['security.protocol'], 'SASL_PLAINTEXT');
});

test('OAUTHBEARER takes a static token or a provider module, called per connection', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kst-security-'));
  try {
    const module = join(dir, 'tokens.mjs');
    writeFileSync(module, 'let n = 0; export async function token() { n += 1; return `jwt-${n}`; }\n');
    assert.deepEqual(toSecurityOptions(parse({ 'security.protocol': 'SASL_SSL', 'sasl.mechanism': 'OAUTHBEARER', 'sasl.oauthbearer.token': 'static-jwt' })).sasl, { mechanism: 'OAUTHBEARER', token: 'static-jwt' });
    const provider = toSecurityOptions(parse({ 'security.protocol': 'SASL_SSL', 'sasl.mechanism': 'OAUTHBEARER', 'sasl.oauthbearer.token.provider': `${module}#token` })).sasl?.token;
    assert.equal(typeof provider, 'function');
    const call = provider as () => Promise<string>;
    assert.equal(await call(), 'jwt-1');
    assert.equal(await call(), 'jwt-2');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('refused credentials and untrusted certificates map to fix-config codes naming the settings', () => {
  const auth = Object.assign(new Error('Connection to b:9094 failed.'), { code: 'PLT_KFK_NETWORK', cause: Object.assign(new Error('SASL authentication failed.'), { code: 'PLT_KFK_AUTHENTICATION' }) });
  const mappedAuth = toKstError(new AggregateError([auth], 'metadata failed 3 times.'), 'KST_KAFKA_ADMIN', 'creating topics failed');
  assert.equal(mappedAuth.code, 'KST_KAFKA_AUTHENTICATION');
  assert.equal(mappedAuth.recovery, 'fix-config');
  assert.match(mappedAuth.message, /sasl\.jaas\.config/);
  const tls = Object.assign(new Error('Connection to b:9094 failed.'), { code: 'PLT_KFK_NETWORK', cause: Object.assign(new Error('self-signed certificate in certificate chain'), { code: 'SELF_SIGNED_CERT_IN_CHAIN' }) });
  const mappedTls = toKstError(tls, 'KST_KAFKA_CONNECTION', 'connecting failed');
  assert.equal(mappedTls.code, 'KST_KAFKA_TLS');
  assert.match(mappedTls.message, /ssl\.ca\.location/);
});
