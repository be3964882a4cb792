/**
 * Where tasks keep their persistent state, as Kafka Streams' `StateDirectory`:
 * `<state.dir>/<application.id>/<taskId>/<store>`, with the task's `.checkpoint` beside its
 * store folders. A task whose state is lost or corrupt is wiped and restored from its
 * changelogs; on start-up the runtime lists the task folders present to prefer assigning
 * those tasks back to this instance.
 *
 * @example
 * ```ts
 * const directory = new StateDirectory('/var/lib/kstreams', 'orders-service');
 * const taskDir = await directory.ensureTaskDir('0_3'); // /var/lib/kstreams/orders-service/0_3
 * const offsets = await directory.checkpoint('0_3').read();
 * await directory.wipeTask('0_3');
 * ```
 */

import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';

import { KstError } from '../common/errors.ts';
import { CHECKPOINT_FILE, OffsetCheckpoint } from './checkpoint.ts';

/** Task ids as `taskIdToString` writes them: `<subtopology>_<partition>`. */
const TASK_ID = /^\d+_\d+$/;
const NAME = /^[a-zA-Z0-9._-]+$/;

function checkName(kind: string, value: string): string {
  if (!NAME.test(value) || value === '.' || value === '..') {
    throw new KstError('KST_CONFIG_INVALID', `${kind} "${value}" cannot name a folder: use [a-zA-Z0-9._-]`, { key: kind, value });
  }
  return value;
}

export class StateDirectory {
  /** `<state.dir>/<application.id>`. */
  readonly root: string;

  constructor(stateDir: string, applicationId: string) {
    this.root = join(stateDir, checkName('application.id', applicationId));
  }

  taskDir(taskId: string): string {
    if (!TASK_ID.test(taskId)) throw new KstError('KST_CONFIG_INVALID', `task id "${taskId}" is not <subtopology>_<partition>`, { key: 'taskId', value: taskId });
    return join(this.root, taskId);
  }

  storeDir(taskId: string, store: string): string {
    return join(this.taskDir(taskId), checkName('store', store));
  }

  checkpoint(taskId: string): OffsetCheckpoint {
    return new OffsetCheckpoint(join(this.taskDir(taskId), CHECKPOINT_FILE));
  }

  async ensureTaskDir(taskId: string): Promise<string> {
    const folder = this.taskDir(taskId);
    await mkdir(folder, { recursive: true });
    return folder;
  }

  /** Deletes a task's stores and checkpoint; the next owner restores from the changelogs' beginning. */
  async wipeTask(taskId: string): Promise<void> {
    await rm(this.taskDir(taskId), { recursive: true, force: true, maxRetries: 3 });
  }

  /** Ids of the tasks with a folder here, sorted. */
  async listTasks(): Promise<string[]> {
    let entries;
    try {
      entries = await readdir(this.root, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    return entries
      .filter((entry) => entry.isDirectory() && TASK_ID.test(entry.name))
      .map((entry) => entry.name)
      .sort();
  }
}
