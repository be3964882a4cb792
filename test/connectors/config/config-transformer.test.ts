import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigTransformer, referencesIn, reverseTransform } from '../../../connectors/config/config-transformer.ts';
import { isKstError } from '../../../common/errors.ts';
import type { ConfigProvider } from '../../../connectors/config/providers/config-provider.ts';

function fake(values: Record<string, Record<string, string>>, calls: string[] = []): ConfigProvider {
  return {
    async get(path, keys) {
      calls.push(`${path}|${[...keys].sort().join(',')}`);
      if (path === '/broken') throw new Error('Could not read properties from file /broken');
      const at = values[path] ?? {};
      return { data: new Map([...keys].filter((k) => at[k] !== undefined).map((k) => [k, at[k] as string])), missing: 'nothing there' };
    },
  };
}

test('references follow Connect\'s pattern ${provider:[path:]key}', () => {
  assert.deepEqual(referencesIn('${env:PG}'), [{ text: '${env:PG}', provider: 'env', path: '', key: 'PG' }]);
  assert.deepEqual(referencesIn('x ${file:/a/b.properties:pw} y'), [{ text: '${file:/a/b.properties:pw}', provider: 'file', path: '/a/b.properties', key: 'pw' }]);
  assert.deepEqual(referencesIn('${dir:/run/secrets:db_pw}').map((r) => [r.path, r.key]), [['/run/secrets', 'db_pw']]);
  assert.deepEqual(referencesIn('${topic}-${timestamp}'), [], 'a placeholder without a colon is not a reference');
});

test('transform replaces every reference, grouping look-ups per provider and path', async () => {
  const calls: string[] = [];
  const transformer = new ConfigTransformer(new Map([['env', fake({ '': { A: 'alpha', B: 'beta' } }, calls)], ['file', fake({ '/f': { pw: 'hunter22' } })]]));
  const { config, unresolved } = await transformer.transform({ one: '${env:A}', two: '${env:B}/${env:A}', pw: '${file:/f:pw}', plain: 'x', format: '${topic}' });
  assert.deepEqual(config, { one: 'alpha', two: 'beta/alpha', pw: 'hunter22', plain: 'x', format: '${topic}' });
  assert.deepEqual(unresolved, []);
  assert.deepEqual(calls, ['|A,B'], 'one look-up for both env keys');
});

test('a reference that does not resolve fails naming the key and the reference, never a value; lenient mode keeps it', async () => {
  const transformer = new ConfigTransformer(new Map([['env', fake({ '': { SET: 'topsecret' } })], ['file', fake({})]]));
  const cases: Array<[Record<string, string>, RegExp]> = [
    [{ 'connection.password': '${env:UNSET}' }, /config "connection.password": the reference \$\{env:UNSET\} could not be resolved: provider "env" has no value for "UNSET" \(nothing there\)/],
    [{ 'connection.password': '${vault:secret/db:pw}' }, /config "connection.password": the reference \$\{vault:secret\/db:pw\} could not be resolved: no config provider named "vault" is configured on this worker \(config.providers: env, file\)/],
    [{ 'connection.password': '${file:/broken:pw}', other: '${env:SET}' }, /config "connection.password": the reference \$\{file:\/broken:pw\} could not be resolved: Could not read properties from file \/broken/],
  ];
  for (const [config, message] of cases) {
    await assert.rejects(transformer.transform(config), (error: unknown) => {
      assert.ok(isKstError(error, 'KST_CONNECT_CONFIG_UNRESOLVED'));
      assert.match(error.message, message);
      assert.equal(error.message.includes('topsecret'), false);
      return true;
    });
  }
  const lenient = await transformer.transform({ a: '${env:UNSET}', b: '${env:SET}' }, { strict: false });
  assert.deepEqual(lenient, { config: { a: '${env:UNSET}', b: 'topsecret' }, unresolved: ['a'] });
});

test('reverseTransform puts the connector\'s references back into generated task configs', () => {
  const raw = { 'connection.password': '${env:PG}', topics: 't', 'connection.url': 'postgres://h/db' };
  const tasks = reverseTransform(raw, [{ 'connection.password': 'resolved', topics: 't', 'task.class': 'X' }, { topics: 't' }]);
  assert.deepEqual(tasks, [{ 'connection.password': '${env:PG}', topics: 't', 'task.class': 'X' }, { topics: 't' }]);
});

test('redact hides every value a provider gave in text such as a status trace', async () => {
  const transformer = new ConfigTransformer(new Map([['env', fake({ '': { PW: 'pa55word', N: '2' } })]]));
  assert.equal(transformer.redact('nothing resolved yet: pa55word'), 'nothing resolved yet: pa55word');
  await transformer.transform({ p: '${env:PW}', n: '${env:N}' });
  assert.equal(transformer.redact('auth failed for postgres://u:pa55word@h (2 tries)'), 'auth failed for postgres://u:[hidden]@h (2 tries)');
  assert.equal(transformer.redact(null), null);
});
