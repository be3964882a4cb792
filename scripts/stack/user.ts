/**
 * The unprivileged user for servers that refuse to run as root (OpenSearch and
 * PostgreSQL both check). As root the stack creates a system user once and hands it the
 * folders those servers write; as anyone else the servers simply run as the caller.
 */

import { execFile } from 'node:child_process';
import { chmodSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import { KstError } from '../../common/errors.ts';

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
