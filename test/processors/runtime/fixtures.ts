/**
 * Hand-built plans, a tiny in-memory store and a capturing collector for the runtime and
 * driver tests, so they do not depend on the DSL or on state/.
 */

import type { Processor, ProcessorContext, ProcessorSupplier } from '../../../processors/api/processor.ts';
import type { Headers } from '../../../processors/api/record.ts';
import type { NodePlan, ProcessorNodePlan, SinkNodePlan, SourceNodePlan, StorePlan, SubtopologyPlan, TopologyPlan } from '../../../processors/plan/topology-plan.ts';
import type { RecordCollector, TaskInputRecord } from '../../../processors/runtime/record-collector.ts';
import type { StreamTaskOptions } from '../../../processors/runtime/stream-task.ts';
import type { Serde } from '../../../schemas/serdes/serde.ts';
import { Serdes } from '../../../schemas/serdes/serdes.ts';
import type { KeyValueStore } from '../../../state/api/key-value-store.ts';
import type { KeyValue, StateStoreContext } from '../../../state/api/state-store.ts';
import type { StoreBuilder } from '../../../state/api/store-builder.ts';

export const str = Serdes.String() as Serde<unknown>;

export function source(name: string, topics: string[], children: string[], extra: Partial<SourceNodePlan> = {}): SourceNodePlan {
  return { kind: 'source', name, topics, internal: false, keySerde: str, valueSerde: str, timestampExtractor: undefined, offsetReset: undefined, children, ...extra };
}

export function processor(name: string, supplier: () => Processor<unknown, unknown, unknown, unknown>, children: string[] = [], stores: string[] = []): ProcessorNodePlan {
  return { kind: 'processor', name, supplier: supplier as ProcessorSupplier<unknown, unknown, unknown, unknown>, stores, children };
}

export function sink(name: string, topic: SinkNodePlan['topic'], extra: Partial<SinkNodePlan> = {}): SinkNodePlan {
  return { kind: 'sink', name, topic, internal: false, keySerde: str, valueSerde: str, partitioner: undefined, ...extra };
}

export function subtopology(id: number, nodes: NodePlan[], stores: string[] = []): SubtopologyPlan {
  const sourceTopics = nodes.flatMap((n) => (n.kind === 'source' ? [...n.topics] : []));
  return { id, nodes, sourceTopics, stores };
}

export function topologyPlan(subtopologies: SubtopologyPlan[], stores: StorePlan[] = []): TopologyPlan {
  return { subtopologies, stores: Object.fromEntries(stores.map((s) => [s.name, s])), globalStores: [], internalTopics: [], copartitionGroups: [] };
}

/** A processor from a function of (context, key, value, record). */
export function mapProcessor(fn: (context: ProcessorContext<unknown, unknown>, record: { key: unknown; value: unknown; timestamp: number; headers: Headers }) => unknown): () => Processor<unknown, unknown, unknown, unknown> {
  return () => {
    let context: ProcessorContext<unknown, unknown>;
    return {
      init(ctx) {
        context = ctx;
      },
      process(record) {
        return fn(context, record) as void;
      },
    };
  };
}

export interface MemoryStoreStats {
  prefetches: unknown[][];
  flushes: number;
  inits: StateStoreContext[];
  closed: number;
}

/** A typed in-memory key-value store; keys compare by JSON. */
export class MemoryStore<K, V> implements KeyValueStore<K, V> {
  readonly name: string;
  readonly persistent = false;
  readonly data = new Map<string, { key: K; value: V }>();
  readonly stats: MemoryStoreStats = { prefetches: [], flushes: 0, inits: [], closed: 0 };
  #open = false;
  onFlush: (() => void) | undefined;

  constructor(name: string) {
    this.name = name;
  }

  async init(context: StateStoreContext): Promise<void> {
    this.stats.inits.push(context);
    this.#open = true;
  }
  async flush(): Promise<void> {
    this.stats.flushes++;
    this.onFlush?.();
  }
  async close(): Promise<void> {
    this.stats.closed++;
    this.#open = false;
  }
  isOpen(): boolean {
    return this.#open;
  }
  get(key: K): V | undefined {
    return this.data.get(JSON.stringify(key))?.value;
  }
  async *range(): AsyncIterable<KeyValue<K, V>> {
    yield* this.all();
  }
  async *all(): AsyncIterable<KeyValue<K, V>> {
    for (const entry of this.data.values()) yield entry;
  }
  async approximateNumEntries(): Promise<number> {
    return this.data.size;
  }
  put(key: K, value: V): void {
    this.data.set(JSON.stringify(key), { key, value });
  }
  putAll(entries: Iterable<KeyValue<K, V>>): void {
    for (const { key, value } of entries) this.put(key, value);
  }
  putIfAbsent(key: K, value: V): V | undefined {
    const old = this.get(key);
    if (old === undefined) this.put(key, value);
    return old;
  }
  delete(key: K): V | undefined {
    const old = this.get(key);
    this.data.delete(JSON.stringify(key));
    return old;
  }
  async prefetch(keys: readonly K[]): Promise<void> {
    this.stats.prefetches.push([...keys]);
  }
}

export function memoryStorePlan(name: string, changelog = false): { plan: StorePlan; instances: MemoryStore<unknown, unknown>[] } {
  const instances: MemoryStore<unknown, unknown>[] = [];
  const builder: StoreBuilder = {
    name,
    loggingEnabled: changelog,
    logConfig: {},
    cachingEnabled: false,
    build() {
      const store = new MemoryStore<unknown, unknown>(name);
      instances.push(store);
      return store;
    },
  };
  return { plan: { name, builder, changelogTopic: changelog ? `${name}-changelog` : undefined }, instances };
}

export interface Sent {
  topic: string;
  partition: number | undefined;
  key: string | null;
  value: string | null;
  timestamp: number;
  headers: Headers;
}

export function collector(partitions = 4): RecordCollector & { sent: Sent[] } {
  const sent: Sent[] = [];
  return {
    sent,
    send(topic, partition, key, value, timestamp, headers) {
      sent.push({ topic, partition, key: key?.toString() ?? null, value: value?.toString() ?? null, timestamp, headers });
    },
    partitionsFor: () => partitions,
  };
}

export function input(topic: string, offset: number, key: string | null, value: string | null, timestamp: number, partition = 0, headers: Headers = []): TaskInputRecord {
  return { topic, partition, offset: BigInt(offset), key: key === null ? null : Buffer.from(key), value: value === null ? null : Buffer.from(value), timestamp, headers };
}

export const storeContext = (store: StorePlan): StateStoreContext => ({ applicationId: 'app', stateDir: '/tmp/none', taskId: '0_0', partition: 0, changelog: store.changelogTopic === undefined ? undefined : { append() {} } });

export function taskOptions(plan: TopologyPlan, extra: Partial<StreamTaskOptions> = {}): StreamTaskOptions & { collector: ReturnType<typeof collector> } {
  return { applicationId: 'app', plan, taskId: { subtopology: 0, partition: 0 }, collector: collector(), storeContext, ...extra } as StreamTaskOptions & { collector: ReturnType<typeof collector> };
}
