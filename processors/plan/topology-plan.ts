/**
 * The compiled topology: what the DSL compiler (`processors/compiler/`) produces and the runtime
 * (`processors/runtime/`, `processors/client/`, `processors/testing/`) runs. The runtime imports this plan, never the DSL. A plan is plain,
 * immutable data plus the suppliers and serdes it needs; every name in it is final
 * (deterministic, prefixed as Kafka Streams does: `KSTREAM-FILTER-0000000001`).
 *
 * Topic names in the plan are as the user wrote them; internal topics (repartition,
 * changelog) are named without the application id, which the runtime prefixes:
 * `<application.id>-<name>`.
 */

import type { Serde } from '../../schemas/serdes/serde.ts';
import type { StoreBuilder } from '../../state/api/store-builder.ts';
import type { ProcessorSupplier } from '../api/processor.ts';
import type { Headers } from '../api/record.ts';

export type OffsetReset = 'earliest' | 'latest';

/** Picks a record's timestamp; the default uses the Kafka record's timestamp. */
export type TimestampExtractor = (record: { readonly key: unknown; readonly value: unknown; readonly timestamp: number; readonly topic: string; readonly partition: number }, partitionTime: number) => number;

/** Chooses the output topic per record (`to` with a topic-name extractor). */
export type TopicNameExtractor<K = unknown, V = unknown> = (key: K, value: V, context: { readonly topic: string | undefined; readonly headers: Headers }) => string;

/** Chooses the partition of an output record; undefined means the default (murmur2 of the key bytes). */
export type StreamPartitioner<K = unknown, V = unknown> = (topic: string, key: K, value: V, numPartitions: number) => number | undefined;

export interface SourceNodePlan {
  readonly kind: 'source';
  readonly name: string;
  /** User topics or internal topic names (for repartition sources, see `internal`). */
  readonly topics: readonly string[];
  /** True when the topics are internal repartition topics, to be prefixed with the application id. */
  readonly internal: boolean;
  readonly keySerde: Serde<unknown>;
  readonly valueSerde: Serde<unknown>;
  readonly timestampExtractor: TimestampExtractor | undefined;
  readonly offsetReset: OffsetReset | undefined;
  readonly children: readonly string[];
}

export interface ProcessorNodePlan {
  readonly kind: 'processor';
  readonly name: string;
  readonly supplier: ProcessorSupplier<unknown, unknown, unknown, unknown>;
  /** Names of the stores this processor may open with `getStateStore`. */
  readonly stores: readonly string[];
  readonly children: readonly string[];
}

export interface SinkNodePlan {
  readonly kind: 'sink';
  readonly name: string;
  readonly topic: string | TopicNameExtractor;
  /** True when the topic is an internal repartition topic, to be prefixed with the application id. */
  readonly internal: boolean;
  readonly keySerde: Serde<unknown>;
  readonly valueSerde: Serde<unknown>;
  readonly partitioner: StreamPartitioner | undefined;
}

export type NodePlan = SourceNodePlan | ProcessorNodePlan | SinkNodePlan;

export interface StorePlan {
  readonly name: string;
  readonly builder: StoreBuilder;
  /** Internal changelog topic name (`<store>-changelog`), or undefined when logging is off. */
  readonly changelogTopic: string | undefined;
  /**
   * True when values are `ValueAndTimestamp` (KTable stores). Lets tools show plain values,
   * as the `TopologyTestDriver`'s `getKeyValueStore` does; absent means false.
   */
  readonly timestamped?: boolean;
}

export interface InternalTopicPlan {
  /** Without the application id prefix. */
  readonly name: string;
  readonly kind: 'repartition' | 'changelog';
  /** A fixed count, or undefined to take the partition count of the sub-topology's source topics. */
  readonly partitions: number | undefined;
  readonly configs: Readonly<Record<string, string>>;
}

export interface SubtopologyPlan {
  readonly id: number;
  /** Nodes in topological order: sources first, every node after its parents. */
  readonly nodes: readonly NodePlan[];
  readonly sourceTopics: readonly string[];
  readonly stores: readonly string[];
}

/** A global store: a full copy of a topic's data on every instance (GlobalKTable). */
export interface GlobalStorePlan {
  readonly store: StorePlan;
  readonly source: SourceNodePlan;
  readonly processor: ProcessorNodePlan;
}

export interface TopologyPlan {
  readonly subtopologies: readonly SubtopologyPlan[];
  readonly stores: Readonly<Record<string, StorePlan>>;
  readonly globalStores: readonly GlobalStorePlan[];
  readonly internalTopics: readonly InternalTopicPlan[];
  /** Groups of topics that must have the same partition count (joins, co-grouped sources). */
  readonly copartitionGroups: readonly (readonly string[])[];
}
