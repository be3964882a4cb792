/**
 * The unprivileged user for servers that refuse to run as root (OpenSearch and
 * PostgreSQL both check). As root the stack creates a system user once and hands it the
 * folders those servers write; as anyone else the servers simply run as the caller.
 */

import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { KstError } from '../../common/errors.ts';
import type { StackConfig } from './config.ts';

const run = promisify(execFile);

export interface ServiceUser {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
}

async function lookup(name: string): Promise<ServiceUser | undefined> {
  try {
    const [uid, gid] = await Promise.all([run('id', ['-u', name]), run('id', ['-g', name])]);
    return { name, uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  } catch {
    return undefined;
  }
}

const pending = new Map<string, Promise<ServiceUser | undefined>>();

async function create(name: string): Promise<ServiceUser> {
  const existing = await lookup(name);
  if (existing !== undefined) return existing;
  try {
    await run('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', name]);
  } catch (error) {
    // Another `up` may have created it between our look-up and useradd; only its absence is an error.
    const raced = await lookup(name);
    if (raced !== undefined) return raced;
    throw new KstError('KST_STACK_PREREQUISITE_MISSING', `could not create the system user "${name}" (useradd failed: ${(error as Error).message}); create it or set STACK_SERVICE_USER to an existing unprivileged user`, { user: name }, { cause: error });
  }
  const created = await lookup(name);
  if (created === undefined) throw new KstError('KST_STACK_PREREQUISITE_MISSING', `system user "${name}" is missing after useradd`, { user: name });
  return created;
}

/** The user to run root-refusing servers as: undefined when we are not root (run as ourselves). */
export function serviceUser(name: string): Promise<ServiceUser | undefined> {
  if (process.getuid?.() !== 0) return Promise.resolve(undefined);
  let user = pending.get(name);
  if (user === undefined) {
    user = create(name);
    pending.set(name, user);
  }
  return user;
}

/** Gives `path` and everything below it to `user` (no-op when not root). */
export async function chownTree(path: string, user: ServiceUser | undefined): Promise<void> {
  if (user === undefined) return;
  await run('chown', ['-R', `${user.uid}:${user.gid}`, path]);
}

/**
 * The folder of a root-refusing server's own files (config, data, logs), one per stack
 * home. As root, the stack home may sit where the service user cannot go (a clone under
 * a 0700 temporary folder, or /root), so the files go under the system temp folder,
 * named after a hash of the home; otherwise they stay under the stack home.
 */
export function serviceHome(config: StackConfig, user: ServiceUser | undefined): string {
  return user === undefined ? config.home : serviceHomeFor(config.home);
}

/** Where `serviceHome` puts a root-run stack's server files for this stack home. */
export function serviceHomeFor(home: string): string {
  return join(tmpdir(), `kstack-${createHash('sha256').update(home).digest('hex').slice(0, 12)}`);
}

/** Where distributions the service user runs are unpacked; shared by every stack home. */
export function serviceCache(config: StackConfig, user: ServiceUser | undefined): string {
  return user === undefined ? config['cache.dir'] : join(tmpdir(), 'kstack-cache');
}

/** Creates a folder the service user can enter (a root-created folder is otherwise 0700 under mkdtemp parents). */
export function makeReachable(path: string, user: ServiceUser | undefined): string {
  mkdirSync(path, { recursive: true, mode: 0o755 });
  ensureTraversable(path, user);
  return path;
}

/**
 * Lets the service user reach `path`: a temporary STACK_HOME from mkdtemp is 0700, so
 * `path` itself gets o+x; its parents are only checked (we do not loosen folders we do
 * not own), and a closed one is reported with what to do.
 */
export function ensureTraversable(path: string, user: ServiceUser | undefined): void {
  if (user === undefined) return;
  const mode = statSync(path).mode;
  if ((mode & 0o001) === 0) chmodSync(path, (mode & 0o7777) | 0o011);
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    if ((statSync(dir).mode & 0o001) === 0) {
      throw new KstError('KST_STACK_PREREQUISITE_MISSING', `the service user "${user.name}" cannot reach ${path} because ${dir} is not searchable by others; move STACK_HOME and STACK_CACHE_DIR elsewhere (e.g. under /tmp) or \`chmod o+x ${dir}\``, { path, dir });
    }
    if (dirname(dir) === dir) break;
  }
}
