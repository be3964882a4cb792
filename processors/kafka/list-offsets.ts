/**
 * ListOffsets that survives a topic's first moments. Right after a topic is created (or
 * its leadership moves) a broker may not know it yet, and the library's cached metadata
 * may predate it: the library then fails with "Unknown topic" (its metadata retries ran
 * out) or a stale-leader protocol error. Kafka treats these as retriable, as the Java
 * consumer does inside `endOffsets`: refresh the metadata and ask again, until the
 * request timeout. A topic that really does not exist still fails, only later.
 */

import type { KafkaClientConfig } from './config.ts';
import { protocolErrorIds } from './errors.ts';
import type { WireConsumer } from './membership.ts';

type ListOffsetsOptions = Parameters<WireConsumer['listOffsets']>[0];
type ListedOffsets = Awaited<ReturnType<WireConsumer['listOffsets']>>;

const STALE_METADATA_IDS: ReadonlySet<string> = new Set(['UNKNOWN_TOPIC_OR_PARTITION', 'LEADER_NOT_AVAILABLE', 'NOT_LEADER_OR_FOLLOWER', 'FENCED_LEADER_EPOCH']);

/**
 * True for errors that fresh metadata may cure. The library reports a topic its metadata
 * request did not find as a plain user error ("Unknown topic <name>."), without the
 * protocol error id, so the message is the only mark it leaves.
 */
export function isStaleMetadataError(error: unknown): boolean {
  if ([...protocolErrorIds(error)].some((id) => STALE_METADATA_IDS.has(id))) return true;
  const e = error as { code?: unknown; message?: unknown } | null;
  return typeof e === 'object' && e !== null && e.code === 'PLT_KFK_USER' && typeof e.message === 'string' && e.message.startsWith('Unknown topic ');
}

/**
 * `consumer.listOffsets(options)`, retried on stale metadata for up to
 * `request.timeout.ms`, `retry.backoff.ms` apart, each attempt on refreshed metadata.
 */
export async function listOffsetsRetrying(consumer: WireConsumer, client: KafkaClientConfig, options: ListOffsetsOptions): Promise<ListedOffsets> {
  const deadline = Date.now() + client['request.timeout.ms'];
  for (let attempt = 1; ; attempt++) {
    try {
      return await consumer.listOffsets(options);
    } catch (error) {
      if (!isStaleMetadataError(error) || Date.now() >= deadline) throw error;
      consumer.clearMetadata();
      await new Promise((resolve) => setTimeout(resolve, Math.min(client['retry.backoff.ms'] * attempt, 1_000, Math.max(0, deadline - Date.now()))));
    }
  }
}
