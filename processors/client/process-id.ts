/**
 * The process id of a client: one UUID per instance, kept in
 * `<state.dir>/<application.id>/kafka-streams-process-metadata` as Kafka Streams keeps
 * it, so a restarted instance is the same process to the assignor (its tasks come back
 * to it, where their state is) and its threads' transactional ids fence its own zombie.
 *
 * @example
 * ```ts
 * const processId = await loadProcessId('/var/lib/kstreams', 'wordcount');
 * ```
 */

import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const FILE = 'kafka-streams-process-metadata';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export async function loadProcessId(stateDir: string, applicationId: string): Promise<string> {
  const folder = join(stateDir, applicationId);
  const path = join(folder, FILE);
  try {
    const parsed = JSON.parse(await readFile(path, 'utf8')) as { processId?: unknown };
    if (typeof parsed.processId === 'string' && UUID.test(parsed.processId)) return parsed.processId;
  } catch {
    // Missing or unreadable: a new identity.
  }
  const processId = randomUUID();
  await mkdir(folder, { recursive: true });
  await writeFile(`${path}.tmp`, JSON.stringify({ version: 1, processId }) + '\n', 'utf8');
  await rename(`${path}.tmp`, path);
  return processId;
}
