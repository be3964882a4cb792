/**
 * A task's `.checkpoint` file: for each changelog partition of its persistent stores, the
 * offset up to which the local state holds the changelog, as Kafka Streams'
 * `OffsetCheckpoint` (same text format, so a reader of one reads the other):
 *
 * ```
 * 0                           ← format version
 * 2                           ← number of entries
 * app-counts-changelog 3 1042 ← topic, partition, offset
 * app-carts-changelog 3 77
 * ```
 *
 * Writes are atomic (a temporary file, fsync, rename, fsync of the folder), so a crash
 * leaves the old checkpoint or the new one. No file means "restore from the beginning";
 * a file that does not parse throws `KST_STORE_CHECKPOINT_CORRUPT`, on which the caller
 * wipes the task's state and restores it.
 *
 * @example
 * ```ts
 * const checkpoint = new OffsetCheckpoint(join(taskDir, CHECKPOINT_FILE));
 * const offsets = await checkpoint.read(); // [] when there is no file
 * await checkpoint.write([{ topic: 'app-counts-changelog', partition: 3, offset: 1042n }]);
 * ```
 */

import { open, readFile, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';

import { KstError } from '../common/errors.ts';

export const CHECKPOINT_FILE = '.checkpoint';
const VERSION = '0';
const INTEGER = /^-?\d+$/;
const TOPIC = /^[a-zA-Z0-9._-]+$/;

export interface CheckpointOffset {
  readonly topic: string;
  readonly partition: number;
  /** The next changelog offset to restore from. */
  readonly offset: bigint;
}

export class OffsetCheckpoint {
  readonly path: string;

  constructor(path: string) {
    this.path = path;
  }

  /** The offsets written last; empty when there is no checkpoint. */
  async read(): Promise<CheckpointOffset[]> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new KstError('KST_STORE_IO', `cannot read checkpoint ${this.path}: ${(error as Error).message}`, { path: this.path }, { cause: error });
    }
    return parse(text, this.path);
  }

  async write(offsets: Iterable<CheckpointOffset>): Promise<void> {
    const entries = [...offsets];
    for (const entry of entries) {
      if (!TOPIC.test(entry.topic) || !Number.isSafeInteger(entry.partition) || entry.partition < 0) {
        throw new KstError('KST_STORE_IO', `cannot checkpoint ${entry.topic}-${entry.partition}: not a topic partition`, { path: this.path, topic: entry.topic, partition: entry.partition });
      }
    }
    const text = [VERSION, String(entries.length), ...entries.map((e) => `${e.topic} ${e.partition} ${e.offset}`)].join('\n') + '\n';
    const temporary = `${this.path}.tmp`;
    try {
      const file = await open(temporary, 'w');
      try {
        await file.writeFile(text, 'utf8');
        await file.sync();
      } finally {
        await file.close();
      }
      await rename(temporary, this.path);
      await syncFolder(dirname(this.path));
    } catch (error) {
      throw new KstError('KST_STORE_IO', `cannot write checkpoint ${this.path}: ${(error as Error).message}`, { path: this.path }, { cause: error });
    }
  }

  /**
   * Removes the checkpoint, as Kafka Streams does while a task runs with exactly-once: here
   * only for a task whose stores cannot keep a transaction's writes apart (see `TaskFactory`).
   */
  async delete(): Promise<void> {
    await rm(this.path, { force: true });
  }
}

/** The checkpointed offset of one changelog partition, if any. */
export function checkpointedOffset(offsets: readonly CheckpointOffset[], topic: string, partition: number): bigint | undefined {
  return offsets.find((entry) => entry.topic === topic && entry.partition === partition)?.offset;
}

function parse(text: string, path: string): CheckpointOffset[] {
  const corrupt = (reason: string): KstError =>
    new KstError('KST_STORE_CHECKPOINT_CORRUPT', `checkpoint ${path} is corrupt: ${reason}`, { path, reason });
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const [version, count, ...rows] = lines;
  if (version !== VERSION) throw corrupt(`unknown version ${JSON.stringify(version)}`);
  if (count === undefined || !INTEGER.test(count)) throw corrupt(`bad entry count ${JSON.stringify(count)}`);
  if (Number(count) !== rows.length) throw corrupt(`says ${count} entries, has ${rows.length}`);
  return rows.map((row, index) => {
    const fields = row.split(' ');
    const [topic, partition, offset] = fields;
    if (fields.length !== 3 || topic === undefined || !TOPIC.test(topic) || partition === undefined || !/^\d+$/.test(partition) || offset === undefined || !INTEGER.test(offset)) {
      throw corrupt(`line ${index + 3} is not "<topic> <partition> <offset>": ${JSON.stringify(row)}`);
    }
    return { topic, partition: Number(partition), offset: BigInt(offset) };
  });
}

async function syncFolder(folder: string): Promise<void> {
  // Makes the rename durable; some platforms (Windows) cannot open a folder, which is fine there.
  const handle = await open(folder, 'r').catch(() => undefined);
  if (handle === undefined) return;
  try {
    await handle.sync();
  } catch {
    // fsync of a folder is not supported everywhere; the rename itself is atomic.
  } finally {
    await handle.close();
  }
}
