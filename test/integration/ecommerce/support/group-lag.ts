/**
 * A diagnosis for when the saga stalls: for each service's consumer group, the input
 * partitions whose committed offset is missing or behind the end. A group that committed
 * some partitions of a topic and not others points at tasks that stopped processing.
 */

import type { KafkaAdmin, KafkaClientConfig } from '../../../../processors/kafka/index.ts';
import type { ServiceName } from '../../../../topologies/ecommerce/contracts/stores.ts';
import { applicationIdOf } from '../../../../topologies/ecommerce/run-service.ts';
import { endOffsets } from '../../streams/support/kafka-io.ts';

export async function groupLag(admin: KafkaAdmin, client: KafkaClientConfig, prefix: string, services: readonly ServiceName[]): Promise<string[]> {
  const lines: string[] = [];
  for (const service of services) {
    const group = applicationIdOf(service, { 'topic.prefix': prefix });
    try {
      const committed = await admin.listGroupOffsets(group);
      const topics = [...new Set(committed.map((c) => c.topic))];
      const behind: string[] = [];
      for (const topic of topics) {
        const partitions = (await admin.partitionCounts([topic])).get(topic) ?? 1;
        for (const [partition, end] of await endOffsets(client, topic, partitions, 10_000)) {
          const at = committed.find((c) => c.topic === topic && c.partition === partition)?.offset;
          if (at === undefined ? end > 0n : at < end) behind.push(`${topic.slice(prefix.length)}-${partition} at ${at ?? 'no commit'} of ${end}`);
        }
      }
      lines.push(`${service}: ${behind.length === 0 ? `caught up on ${topics.map((t) => t.slice(prefix.length)).join(', ') || 'nothing committed'}` : behind.join(', ')}`);
    } catch (error) {
      lines.push(`${service}: ${String(error)}`);
    }
  }
  return lines;
}
