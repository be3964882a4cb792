/**
 * Cuts the processor graph into sub-topologies, as Kafka Streams' `makeNodeGroups`: the
 * connected components once repartition topics separate their sink from their source,
 * with processors that share a store kept together. Components are numbered in the order
 * of their sources' names, as Kafka does; inside one, sources come first and every node
 * follows its parents, ties broken by DSL order.
 */

import { KstError } from '../../common/errors.ts';
import type { NodePlan, SubtopologyPlan } from '../plan/topology-plan.ts';
import type { DraftNode } from './expand.ts';

class UnionFind {
  readonly #parent = new Map<string, string>();

  find(name: string): string {
    let root = name;
    for (let up = this.#parent.get(root); up !== undefined && up !== root; up = this.#parent.get(root)) root = up;
    this.#parent.set(name, root);
    return root;
  }

  union(a: string, b: string): void {
    const rootA = this.find(a);
    const rootB = this.find(b);
    if (rootA !== rootB) this.#parent.set(rootB, rootA);
  }
}

const byOrder = (a: DraftNode, b: DraftNode): number => a.order - b.order;
const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Sources first, then Kahn's algorithm choosing the earliest DSL node among the ready ones. */
function topological(nodes: readonly DraftNode[]): DraftNode[] {
  const inGroup = new Set(nodes.map((node) => node.name));
  const waiting = new Map(nodes.map((node) => [node.name, node.parents.filter((parent) => inGroup.has(parent)).length]));
  const sorted: DraftNode[] = nodes.filter((node) => node.kind === 'source').sort(byOrder);
  const ready = nodes.filter((node) => node.kind !== 'source' && waiting.get(node.name) === 0).sort(byOrder);
  const done = new Set(sorted.map((node) => node.name));
  const release = (name: string): void => {
    for (const node of nodes) {
      if (!node.parents.includes(name) || done.has(node.name)) continue;
      const left = (waiting.get(node.name) ?? 0) - node.parents.filter((parent) => parent === name).length;
      waiting.set(node.name, left);
      if (left === 0) ready.push(node);
    }
    ready.sort(byOrder);
  };
  sorted.forEach((node) => release(node.name));
  while (ready.length > 0) {
    const next = ready.shift() as DraftNode;
    done.add(next.name);
    sorted.push(next);
    release(next.name);
  }
  return sorted;
}

function withChildren(node: DraftNode, children: readonly string[]): NodePlan {
  const { parents: _parents, order: _order, ...rest } = node;
  if (rest.kind === 'sink') return Object.freeze(rest);
  return Object.freeze({ ...rest, children: Object.freeze([...children]) });
}

/**
 * `globalSources` are the sources of global stores: Kafka numbers their groups with the
 * others (by source name) though they make no tasks, so their ids are skipped here.
 */
export function subtopologies(nodes: readonly DraftNode[], globalSources: readonly string[] = []): SubtopologyPlan[] {
  const sets = new UnionFind();
  const storeOwner = new Map<string, string>();
  const readers = new Map<string, string>();
  for (const node of nodes) {
    sets.find(node.name);
    for (const parent of node.parents) sets.union(parent, node.name);
    if (node.kind === 'processor') {
      for (const store of node.stores) {
        const owner = storeOwner.get(store);
        if (owner === undefined) storeOwner.set(store, node.name);
        else sets.union(owner, node.name);
      }
    }
    if (node.kind === 'source') {
      for (const topic of node.topics) {
        const other = readers.get(topic);
        if (other !== undefined) throw new KstError('KST_TOPOLOGY_NAME_CONFLICT', `topic "${topic}" is read by two sources, "${other}" and "${node.name}"; read it once and reuse the stream`, { topic, sources: [other, node.name] });
        readers.set(topic, node.name);
      }
    }
  }

  const groupOf = new Map<string, number>();
  const reserved = new Set(globalSources);
  const sourceNames = [...nodes.filter((node) => node.kind === 'source').map((node) => node.name), ...reserved].sort(byName);
  let nextId = 0;
  for (const name of [...sourceNames, ...nodes.map((node) => node.name)]) {
    if (reserved.has(name)) {
      nextId++;
      continue;
    }
    const root = sets.find(name);
    if (!groupOf.has(root)) groupOf.set(root, nextId++);
  }

  const children = new Map<string, string[]>(nodes.map((node) => [node.name, []]));
  for (const node of [...nodes].sort(byOrder)) for (const parent of node.parents) children.get(parent)?.push(node.name);

  const groups: DraftNode[][] = Array.from({ length: nextId }, () => []);
  for (const node of nodes) groups[groupOf.get(sets.find(node.name)) as number]?.push(node);
  // Reserved (global) ids have no members and make no sub-topology.
  return groups.flatMap((members, id) => {
    if (members.length === 0) return [];
    const ordered = topological(members);
    const stores = new Set<string>();
    const topics: string[] = [];
    for (const node of ordered) {
      if (node.kind === 'processor') node.stores.forEach((store) => stores.add(store));
      if (node.kind === 'source') topics.push(...node.topics);
    }
    return [Object.freeze({
      id,
      nodes: Object.freeze(ordered.map((node) => withChildren(node, children.get(node.name) ?? []))),
      sourceTopics: Object.freeze(topics),
      stores: Object.freeze([...stores].sort(byName)),
    })];
  });
}
