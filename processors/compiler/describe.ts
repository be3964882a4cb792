/**
 * `Topology.describe()`: the plan as Kafka Streams' `TopologyDescription` prints it,
 * character for character (including its indentation quirk: the first sub-topology line
 * has three spaces, the others two), so a diff of two descriptions shows a renamed node,
 * store or topic. Nodes and their neighbours are listed as Kafka orders them: the node
 * with the larger downstream graph first, then by name.
 */

import type { NodePlan, SubtopologyPlan, TopologyPlan } from '../plan/topology-plan.ts';

export interface NodeDescription {
  readonly type: 'source' | 'processor' | 'sink';
  readonly name: string;
  /** Source topics; the sink's topic (or `extractor class: …`) as a one-element list. */
  readonly topics: readonly string[];
  readonly stores: readonly string[];
  readonly successors: readonly string[];
  readonly predecessors: readonly string[];
}

export interface SubtopologyDescription {
  readonly id: number;
  readonly nodes: readonly NodeDescription[];
}

/** A GlobalKTable's store; Kafka numbers it with the sub-topologies, though it makes no tasks. */
export interface GlobalStoreDescription {
  readonly id: number;
  readonly source: NodeDescription;
  readonly processor: NodeDescription;
}

export interface TopologyDescription {
  readonly subtopologies: readonly SubtopologyDescription[];
  readonly globalStores: readonly GlobalStoreDescription[];
  /** Kafka Streams' text form. */
  toString(): string;
}

function describeSubtopology(subtopology: SubtopologyPlan): SubtopologyDescription {
  const byName = new Map<string, NodePlan>(subtopology.nodes.map((node) => [node.name, node]));
  const predecessors = new Map<string, string[]>(subtopology.nodes.map((node) => [node.name, []]));
  for (const node of subtopology.nodes) if (node.kind !== 'sink') for (const child of node.children) predecessors.get(child)?.push(node.name);
  const size = new Map<string, number>();
  const sizeOf = (name: string): number => {
    const known = size.get(name);
    if (known !== undefined) return known;
    const node = byName.get(name);
    const total = 1 + (node === undefined || node.kind === 'sink' ? 0 : node.children.reduce((sum, child) => sum + sizeOf(child), 0));
    size.set(name, total);
    return total;
  };
  const compare = (a: string, b: string): number => sizeOf(b) - sizeOf(a) || (a < b ? -1 : a > b ? 1 : 0);
  const nodes = subtopology.nodes.map((node): NodeDescription => ({
    type: node.kind,
    name: node.name,
    topics: node.kind === 'source' ? node.topics : node.kind === 'sink' ? [typeof node.topic === 'string' ? node.topic : `extractor class: ${node.topic.name || 'anonymous'}`] : [],
    stores: node.kind === 'processor' ? node.stores : [],
    successors: node.kind === 'sink' ? [] : [...node.children].sort(compare),
    predecessors: [...(predecessors.get(node.name) ?? [])].sort(compare),
  }));
  return { id: subtopology.id, nodes: nodes.sort((a, b) => compare(a.name, b.name)) };
}

const names = (list: readonly string[]): string => (list.length === 0 ? 'none' : list.join(', '));

function nodeText(node: NodeDescription): string {
  switch (node.type) {
    case 'source':
      return `Source: ${node.name} (topics: [${node.topics.join(', ')}])\n      --> ${names(node.successors)}`;
    case 'processor':
      return `Processor: ${node.name} (stores: [${node.stores.join(', ')}])\n      --> ${names(node.successors)}\n      <-- ${names(node.predecessors)}`;
    case 'sink': {
      const target = node.topics[0] ?? '';
      const label = target.startsWith('extractor class: ') ? target : `topic: ${target}`;
      return `Sink: ${node.name} (${label})\n      <-- ${names(node.predecessors)}`;
    }
  }
}

/**
 * @example
 * ```ts
 * console.log(String(builder.build().describe()));
 * ```
 */
export function describePlan(plan: TopologyPlan): TopologyDescription {
  const subtopologies = plan.subtopologies.map(describeSubtopology);
  const globalStores = describeGlobalStores(plan, new Set(subtopologies.map((s) => s.id)));
  const entries: [number, string][] = [
    ...subtopologies.map((s): [number, string] => [s.id, `  Sub-topology: ${s.id}\n${s.nodes.map((node) => `    ${nodeText(node)}\n`).join('')}\n`]),
    ...globalStores.map((g): [number, string] => [g.id, `  Sub-topology: ${g.id} for global store (will not generate tasks)\n    ${nodeText(g.source)}\n    ${nodeText(g.processor)}\n`]),
  ];
  const text = 'Topologies:\n ' + entries.sort((a, b) => a[0] - b[0]).map((entry) => entry[1]).join('');
  return Object.freeze({ subtopologies, globalStores, toString: () => text });
}

/** Global stores take the ids the compiler left free, in the order of their sources' names. */
function describeGlobalStores(plan: TopologyPlan, taken: ReadonlySet<number>): GlobalStoreDescription[] {
  const globals = [...plan.globalStores].sort((a, b) => (a.source.name < b.source.name ? -1 : a.source.name > b.source.name ? 1 : 0));
  let id = 0;
  return globals.map((global) => {
    while (taken.has(id)) id++;
    const { source, processor } = global;
    return {
      id: id++,
      source: { type: 'source', name: source.name, topics: source.topics, stores: [], successors: [processor.name], predecessors: [] },
      processor: { type: 'processor', name: processor.name, topics: [], stores: processor.stores, successors: [], predecessors: [source.name] },
    };
  });
}
