/**
 * Config providers through a real worker and PostgreSQL: a sink whose password is a
 * `${env:…}` reference writes its records with a role only that password opens; its
 * config, info, tasks, status, validation and the config topic keep the reference, and
 * the password is in no REST answer. A `${file:…}` reference to a file that does not
 * exist yet fails the connector naming the key and the reference; once the file is
 * written, a restart resolves it and the records land.
 */
import '../support/exit-after-tests.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { broker, clusterNames, dropCluster, http, readAll, startWorker, unique, until, type Answer } from './helpers.ts';
import { stack, uniqueId } from './sinks/support.ts';

const ENV = 'org.apache.kafka.common.config.provider.EnvVarConfigProvider';
const FILE = 'org.apache.kafka.common.config.provider.FileConfigProvider';

interface Status { connector: { state: string; trace?: string }; tasks: Array<{ state: string; trace?: string }> }

test('a PostgreSQL sink with a referenced password runs, and the password is in no REST answer', { timeout: 120_000 }, async (t) => {
  const kafka = broker();
  const cluster = clusterNames('kst-connect-secrets');
  const id = uniqueId('kst_secret');
  const role = id;
  const password = randomBytes(18).toString('hex');
  const variable = `KST_TEST_PG_PASSWORD_${id.toUpperCase()}`;
  process.env[variable] = password;
  const secrets = mkdtempSync(join(tmpdir(), 'kst-connect-secrets-'));
  const secretFile = join(secrets, 'postgres.properties');

  const admin = new pg.Client({ connectionString: stack.postgresUrl });
  await admin.connect();
  await admin.query(`CREATE ROLE ${role} LOGIN PASSWORD '${password}'`);
  await admin.query(`CREATE SCHEMA ${id} AUTHORIZATION ${role}`);
  const worker = await startWorker(cluster, {
    'config.providers': 'env,file',
    'config.providers.env.class': ENV,
    'config.providers.env.param.allowlist.pattern': '^KST_TEST_PG_PASSWORD_',
    'config.providers.file.class': FILE,
    'config.providers.file.param.allowed.paths': secrets,
  });
  const answers: Array<[string, string]> = [];
  const call = async (method: string, path: string, body?: unknown): Promise<Answer> => {
    const answer = await http(worker.url, method, path, body);
    answers.push([`${method} ${path}`, JSON.stringify(answer.body) ?? '']);
    return answer;
  };
  const status = async (name: string): Promise<Status> => (await call('GET', `/connectors/${name}/status`)).body as Status;
  const url = new URL(stack.postgresUrl);
  const config = (topic: string, table: string, passwordValue: string): Record<string, string> => ({
    'connector.class': 'io.kstreams.connect.jdbc.PostgresSinkConnector', topics: topic, 'tasks.max': '1',
    'connection.url': `jdbc:postgresql://${url.host}${url.pathname}`, 'connection.user': role, 'connection.password': passwordValue,
    'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
    'value.converter': 'org.apache.kafka.connect.json.JsonConverter', 'value.converter.schemas.enable': 'false',
    'insert.mode': 'insert', 'auto.create': 'true', 'table.name.format': `${id}.${table}`,
  });
  const rows = async (table: string): Promise<number> => Number((await admin.query(`SELECT count(*) AS n FROM ${id}.${table}`).catch(() => ({ rows: [{ n: 0 }] }))).rows[0].n);
  const names = { env: unique('secret-env'), file: unique('secret-file') };
  try {
    const topic = await kafka.topic(1);
    await kafka.send([1, 2, 3, 4, 5].map((n) => ({ topic, key: Buffer.from(`k${n}`), value: Buffer.from(JSON.stringify({ id: n, item: `item-${n}` })) })));

    await t.test('${env:…}: the records land with the role only the referenced password opens', async () => {
      const reference = `\${env:${variable}}`;
      const intruder = new pg.Client({ host: url.hostname, port: Number(url.port), database: url.pathname.slice(1), user: role, password: 'not-the-password' });
      await assert.rejects(intruder.connect(), /password authentication failed/, 'the role opens only with its password');
      const created = await call('POST', '/connectors', { name: names.env, config: config(topic, 'by_env', reference) });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      await until('5 rows in the table of the ${env:…} connector', async () => (await rows('by_env')) === 5, 60_000, 250);
      const current = await status(names.env);
      assert.deepEqual([current.connector.state, current.tasks.map((task) => task.state)], ['RUNNING', ['RUNNING']]);

      const stored = (await call('GET', `/connectors/${names.env}/config`)).body as Record<string, string>;
      assert.equal(stored['connection.password'], reference, 'GET config shows the reference');
      assert.equal(((await call('GET', `/connectors/${names.env}`)).body as { config: Record<string, string> }).config['connection.password'], reference);
      const tasks = (await call('GET', `/connectors/${names.env}/tasks`)).body as Array<{ config: Record<string, string> }>;
      assert.equal(tasks[0]?.config['connection.password'], reference, 'task configs keep the reference');
      await call('GET', '/connectors?expand=info&expand=status');
      const validated = await call('PUT', '/connector-plugins/PostgresSinkConnector/config/validate', { ...config(topic, 'by_env', reference), 'connection.user': reference });
      const values = (validated.body as { configs: Array<{ value: { name: string; value: string | null } }> }).configs;
      assert.equal(values.find((c) => c.value.name === 'connection.user')?.value.value, reference, 'validation shows the reference, not what it resolves to');
    });

    await t.test('${file:…}: a missing file fails the connector naming the key and the reference; a restart after the file is written resolves it', async () => {
      const reference = `\${file:${secretFile}:password}`;
      const created = await call('POST', '/connectors', { name: names.file, config: config(topic, 'by_file', reference) });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      await until('the ${file:…} connector FAILED', async () => (await status(names.file)).connector.state === 'FAILED');
      const trace = (await status(names.file)).connector.trace ?? '';
      assert.match(trace, /KST_CONNECT_CONFIG_UNRESOLVED: config "connection.password": the reference \$\{file:.*postgres.properties:password\} could not be resolved: Could not read properties from file .*postgres.properties \(ENOENT\)/);

      writeFileSync(secretFile, `# written after the connector\npassword=${password}\n`, { mode: 0o600 });
      assert.equal((await call('POST', `/connectors/${names.file}/restart`)).status, 204);
      await until('5 rows in the table of the ${file:…} connector', async () => (await rows('by_file')) === 5, 60_000, 250);
      assert.equal((await status(names.file)).connector.state, 'RUNNING');
      assert.equal(((await call('GET', `/connectors/${names.file}/config`)).body as Record<string, string>)['connection.password'], reference);
    });

    await t.test('neither the REST answers nor the config topic hold the password', async () => {
      assert.ok(answers.length >= 10, `${answers.length} answers checked`);
      for (const [request, body] of answers) assert.equal(body.includes(password), false, `${request} answered the password`);
      const records = await readAll(cluster['config.storage.topic'] as string, 1, 30_000, (read) => read.some((r) => r.key?.toString() === `task-${names.file}-0`));
      assert.ok(records.some((r) => r.key?.toString() === `task-${names.env}-0`));
      for (const record of records) assert.equal(record.value?.toString().includes(password) ?? false, false, `config topic record ${record.key?.toString()} holds the password`);
    });
  } finally {
    delete process.env[variable];
    for (const name of Object.values(names)) await http(worker.url, 'DELETE', `/connectors/${name}`).catch(() => undefined);
    await worker.stop();
    await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '${role}'`).catch(() => undefined);
    await admin.query(`DROP SCHEMA IF EXISTS ${id} CASCADE`).catch(() => undefined);
    await admin.query(`DROP ROLE IF EXISTS ${role}`).catch(() => undefined);
    await admin.end();
    await dropCluster(kafka.admin, cluster);
    await kafka.close();
    rmSync(secrets, { recursive: true, force: true });
  }
});
