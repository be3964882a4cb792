/**
 * The process id of a client: one UUID per instance, kept in
 * `<state.dir>/<application.id>/kafka-streams-process-metadata` as Kafka Streams keeps
 * it, so a restarted instance is the same process to the assignor (its tasks come back
 * to it, where their state is) and its threads' transactional ids fence its own zombie.
 *
 * With static membership (`group.instance.id`) the id is derived from the application
 * and instance ids instead (a name-based UUID, version 5 layout), so the instance is the
 * same process even when its state folder is lost or it starts on another machine.
 *
 * @example
 * ```ts
 * const processId = await loadProcessId('/var/lib/kstreams', 'wordcount');
 * const staticId = await loadProcessId('/var/lib/kstreams', 'wordcount', 'wordcount-0');
 * ```
 */

import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const FILE = 'kafka-streams-process-metadata';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The same UUID for the same application and instance id, wherever it is computed. */
export function staticProcessId(applicationId: string, groupInstanceId: string): string {
  const bytes = createHash('sha1').update(`kstreams-process\u0000${applicationId}\u0000${groupInstanceId}`).digest().subarray(0, 16);
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export async function loadProcessId(stateDir: string, applicationId: string, groupInstanceId?: string): Promise<string> {
  const folder = join(stateDir, applicationId);
  const path = join(folder, FILE);
  const wanted = groupInstanceId === undefined || groupInstanceId === '' ? undefined : staticProcessId(applicationId, groupInstanceId);
  try {
    const parsed = JSON.parse(await readFile(path, 'utf8')) as { processId?: unknown };
    if (typeof parsed.processId === 'string' && UUID.test(parsed.processId) && (wanted === undefined || parsed.processId === wanted)) return parsed.processId;
  } catch {
    // Missing or unreadable: a new identity.
  }
  const processId = wanted ?? randomUUID();
  await mkdir(folder, { recursive: true });
  await writeFile(`${path}.tmp`, JSON.stringify({ version: 1, processId }) + '\n', 'utf8');
  await rename(`${path}.tmp`, path);
  return processId;
}
