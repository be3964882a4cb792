/**
 * The builder side of the logical graph: hands out names (one counter for processors and
 * stores, as Kafka Streams' `InternalStreamsBuilder`), appends frozen nodes, and seals
 * once `StreamsBuilder.build()` ran, after which every DSL call fails with a coded error
 * instead of silently changing a topology that is already compiled.
 */

import { KstError } from '../../../common/errors.ts';
import type { Serde } from '../../../schemas/serdes/serde.ts';
import type { StreamPartitioner } from '../../plan/topology-plan.ts';
import type { GlobalStoreSpec, GraphDefaults, GraphNode, LogicalGraphSnapshot, RepartitionSpec, StoreSpec } from './nodes.ts';
import { STATE_STORE, counterName, isGeneratedName, repartitionTopicName } from './names.ts';
import { PREFIX } from './names.ts';

type NewNode = GraphNode extends infer N ? (N extends GraphNode ? Omit<N, 'index'> : never) : never;

export interface RepartitionRequest {
  /** Topic name prefix: a user name (Grouped, Repartitioned, Named) or a generated store or operator name. */
  readonly prefix: string;
  readonly keySerde: Serde<unknown> | undefined;
  readonly valueSerde: Serde<unknown> | undefined;
  readonly partitions?: number | undefined;
  readonly partitioner?: StreamPartitioner | undefined;
}

export class LogicalGraph {
  readonly defaults: GraphDefaults;
  #counter = 0;
  #sealed = false;
  readonly #nodes: GraphNode[] = [];
  readonly #byName = new Map<string, GraphNode>();
  readonly #stores = new Map<string, StoreSpec>();
  readonly #globalStores: GlobalStoreSpec[] = [];
  readonly #copartition: (readonly string[])[] = [];

  constructor(defaults: GraphDefaults) {
    this.defaults = defaults;
  }

  /** Throws when the graph was sealed; every DSL entry point calls it first. */
  checkOpen(operation: string): void {
    if (this.#sealed) {
      throw new KstError('KST_TOPOLOGY_BUILDER_SEALED', `${operation} was called after StreamsBuilder.build(); build the topology once, after adding every operator`, { operation });
    }
  }

  newProcessorName(prefix: string): string {
    return counterName(prefix, this.#counter++);
  }

  newStoreName(prefix: string): string {
    return counterName(prefix + STATE_STORE, this.#counter++);
  }

  /** The user's name, or a generated one (which takes a counter value only then, as Kafka). */
  nameOrGenerate(name: string | undefined, prefix: string): string {
    return name ?? this.newProcessorName(prefix);
  }

  /**
   * Names a stream repartition. Always takes three counter values (sink, filter, source)
   * so that later generated names match Kafka Streams'; user-named topics name their
   * nodes `<topic>-sink`, `<topic>-filter`, `<topic>-source`.
   */
  streamRepartition(request: RepartitionRequest): RepartitionSpec {
    const topic = repartitionTopicName(request.prefix);
    const sink = this.newProcessorName(PREFIX.SINK);
    const filter = this.newProcessorName(PREFIX.FILTER);
    const source = this.newProcessorName(PREFIX.SOURCE);
    const generated = isGeneratedName(request.prefix);
    return Object.freeze({
      topic,
      sinkName: generated ? sink : `${topic}-sink`,
      filterName: generated ? filter : `${topic}-filter`,
      sourceName: generated ? source : `${topic}-source`,
      keySerde: request.keySerde,
      valueSerde: request.valueSerde,
      partitions: request.partitions,
      partitioner: request.partitioner,
      changeValues: false,
    });
  }

  add<N extends NewNode>(node: N): N & { readonly index: number } {
    this.checkOpen(`adding node ${node.name}`);
    if (this.#byName.has(node.name)) {
      throw new KstError('KST_TOPOLOGY_NAME_CONFLICT', `a node named "${node.name}" already exists in this topology`, { name: node.name });
    }
    for (const parent of node.parents) {
      if (!this.#byName.has(parent)) throw new KstError('KST_TOPOLOGY_INVALID', `node "${node.name}" has unknown parent "${parent}"`, { name: node.name, parent });
    }
    const frozen = Object.freeze({ ...node, parents: Object.freeze([...node.parents]), index: this.#nodes.length }) as unknown as N & { readonly index: number };
    this.#nodes.push(frozen as unknown as GraphNode);
    this.#byName.set(node.name, frozen as unknown as GraphNode);
    return frozen;
  }

  addStore(spec: StoreSpec): void {
    this.checkOpen(`adding store ${spec.name}`);
    if (this.#stores.has(spec.name)) {
      throw new KstError('KST_TOPOLOGY_NAME_CONFLICT', `a state store named "${spec.name}" already exists in this topology`, { store: spec.name });
    }
    this.#stores.set(spec.name, Object.freeze({ ...spec }));
  }

  hasStore(name: string): boolean {
    return this.#stores.has(name);
  }

  /** A GlobalKTable's store with its source and processor; they run apart from the sub-topologies. */
  addGlobalStore(spec: GlobalStoreSpec): void {
    this.checkOpen(`adding global store ${spec.store.name}`);
    const taken = [spec.sourceName, spec.processorName].find((name) => this.#byName.has(name) || this.#globalStores.some((g) => g.sourceName === name || g.processorName === name));
    if (taken !== undefined) throw new KstError('KST_TOPOLOGY_NAME_CONFLICT', `a node named "${taken}" already exists in this topology`, { name: taken });
    if (this.#stores.has(spec.store.name) || this.#globalStores.some((g) => g.store.name === spec.store.name)) {
      throw new KstError('KST_TOPOLOGY_NAME_CONFLICT', `a state store named "${spec.store.name}" already exists in this topology`, { store: spec.store.name });
    }
    this.#globalStores.push(Object.freeze({ ...spec }));
  }

  /** Records that the source topics feeding these nodes must be co-partitioned (join inputs). */
  copartition(nodes: readonly string[]): void {
    this.#copartition.push(Object.freeze([...nodes]));
  }

  /** Seals the graph and returns its frozen content. */
  seal(): LogicalGraphSnapshot {
    this.checkOpen('StreamsBuilder.build()');
    this.#sealed = true;
    return Object.freeze({
      nodes: Object.freeze([...this.#nodes]), stores: new Map(this.#stores), defaults: this.defaults,
      globalStores: Object.freeze([...this.#globalStores]), copartitionNodes: Object.freeze([...this.#copartition]),
    });
  }
}
