/**
 * Configs of the internal topics the plan asks the runtime to create, as Kafka Streams'
 * `RepartitionTopicConfig` and `UnwindowedUnversionedChangelogTopicConfig`. Repartition
 * topics keep data until the runtime purges what was committed (`retention.ms=-1`);
 * changelogs are compacted, so a restore reads one record per key.
 */

import type { InternalTopicPlan } from '../plan/topology-plan.ts';

const CREATE_TIME = { 'message.timestamp.type': 'CreateTime' };

export const REPARTITION_TOPIC_CONFIG: Readonly<Record<string, string>> = Object.freeze({
  'cleanup.policy': 'delete',
  'segment.bytes': '52428800',
  'retention.ms': '-1',
  ...CREATE_TIME,
});

export const CHANGELOG_TOPIC_CONFIG: Readonly<Record<string, string>> = Object.freeze({
  'cleanup.policy': 'compact',
  ...CREATE_TIME,
});

export function repartitionTopic(name: string, partitions: number | undefined): InternalTopicPlan {
  return Object.freeze({ name, kind: 'repartition', partitions, configs: REPARTITION_TOPIC_CONFIG });
}

/** The user's log config wins over the defaults, as with Kafka's `Materialized.withLoggingEnabled`. */
export function changelogTopic(name: string, logConfig: Readonly<Record<string, string>>): InternalTopicPlan {
  return Object.freeze({ name, kind: 'changelog', partitions: undefined, configs: Object.freeze({ ...CHANGELOG_TOPIC_CONFIG, ...logConfig }) });
}
