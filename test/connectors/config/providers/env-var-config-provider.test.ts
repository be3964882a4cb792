import { test } from 'node:test';
import assert from 'node:assert/strict';
import { envVarConfigProvider } from '../../../../connectors/config/providers/env-var-config-provider.ts';

const env = { PG_PASSWORD: 'pg-secret', HOME: '/root', EMPTY: '' };

test('gives the variables asked for; allowlist.pattern (found anywhere in the name) limits them', async () => {
  const all = envVarConfigProvider(env).create({}, 'config.providers.env.param.');
  assert.deepEqual([...(await all.get('', new Set(['PG_PASSWORD', 'HOME', 'NOPE', 'EMPTY']))).data].sort(), [['EMPTY', ''], ['HOME', '/root'], ['PG_PASSWORD', 'pg-secret']]);
  const limited = envVarConfigProvider(env).create({ 'allowlist.pattern': 'PG_' }, 'config.providers.env.param.');
  const answer = await limited.get('', new Set(['PG_PASSWORD', 'HOME']));
  assert.deepEqual([...answer.data], [['PG_PASSWORD', 'pg-secret']]);
  assert.match(answer.missing ?? '', /not matched by allowlist.pattern PG_/);
});

test('a path is refused, as Connect refuses it', async () => {
  const provider = envVarConfigProvider(env).create({}, 'p.');
  await assert.rejects(provider.get('/etc', new Set(['HOME'])), /Path is not supported for EnvVarConfigProvider, invalid value '\/etc'/);
});
