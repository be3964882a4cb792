import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configTransformerFrom, providerSettingsFromEnv } from '../../../connectors/config/config-providers.ts';
import { workerSettingsFromEnv } from '../../../connectors/config/worker-config.ts';

const ENV = 'org.apache.kafka.common.config.provider.EnvVarConfigProvider';
const FILE = 'org.apache.kafka.common.config.provider.FileConfigProvider';

const throwsNaming = (fn: () => unknown, key: string): void => assert.throws(fn, (error: Error) => {
  assert.match(error.message, /^KST_CONFIG_INVALID: /);
  assert.ok(error.message.includes(key), `${error.message} names ${key}`);
  return true;
});

test('each provider in config.providers needs a known class and takes only its own parameters', () => {
  const transformer = configTransformerFrom(['env', 'file'], { 'config.providers.env.class': ENV, 'config.providers.file.class': 'FileConfigProvider' });
  assert.deepEqual(transformer.providerNames, ['env', 'file']);
  throwsNaming(() => configTransformerFrom(['env'], {}), 'config.providers.env.class');
  throwsNaming(() => configTransformerFrom(['env'], { 'config.providers.env.class': 'com.example.Vault' }), 'config.providers.env.class');
  throwsNaming(() => configTransformerFrom(['env'], { 'config.providers.env.class': ENV, 'config.providers.env.param.allowed.paths': '/tmp' }), 'config.providers.env.param.allowed.paths');
  throwsNaming(() => configTransformerFrom(['env'], { 'config.providers.env.class': ENV, 'config.providers.file.class': FILE }), 'config.providers.file.class');
  throwsNaming(() => configTransformerFrom(['env'], { 'config.providers.env.class': ENV, 'config.providers.env.param.allowlist.pattern': '(' }), 'config.providers.env.param.allowlist.pattern');
  throwsNaming(() => configTransformerFrom(['file'], { 'config.providers.file.class': FILE, 'config.providers.file.param.allowed.paths': 'relative/dir' }), 'config.providers.file.param.allowed.paths');
  throwsNaming(() => configTransformerFrom(['file'], { 'config.providers.file.class': FILE, 'config.providers.file.param.allowed.paths': '/no/such/dir' }), 'config.providers.file.param.allowed.paths');
});

test('the environment gives providers as Confluent\'s images do: CONNECT_CONFIG_PROVIDERS_<NAME>_CLASS and _PARAM_<PARAM>', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kst-providers-'));
  const env = {
    CONNECT_GROUP_ID: 'g',
    CONNECT_CONFIG_PROVIDERS: 'file,env',
    CONNECT_CONFIG_PROVIDERS_FILE_CLASS: FILE,
    CONNECT_CONFIG_PROVIDERS_FILE_PARAM_ALLOWED_PATHS: dir,
    CONNECT_CONFIG_PROVIDERS_ENV_CLASS: ENV,
    CONNECT_CONFIG_PROVIDERS_ENV_PARAM_ALLOWLIST_PATTERN: '^PG_',
    UNRELATED: 'x',
  };
  assert.deepEqual(workerSettingsFromEnv(env), {
    'group.id': 'g',
    'config.providers': 'file,env',
    'config.providers.file.class': FILE,
    'config.providers.file.param.allowed.paths': dir,
    'config.providers.env.class': ENV,
    'config.providers.env.param.allowlist.pattern': '^PG_',
  });
  throwsNaming(() => providerSettingsFromEnv({ CONNECT_CONFIG_PROVIDERS_VAULT_CLASS: 'x' }, ['env']), 'CONNECT_CONFIG_PROVIDERS_VAULT_CLASS');
  throwsNaming(() => workerSettingsFromEnv({ CONNECT_REST_PORT: 'eighty' }), 'CONNECT_REST_PORT');
});
