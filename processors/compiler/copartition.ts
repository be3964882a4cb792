/**
 * Co-partition groups of joins, as Kafka Streams' `copartitionSourceGroups`: the inputs of
 * a join must be partitioned alike, or a key could meet its partner in another task. The
 * DSL records the nodes a join reads from; here each is traced up its sub-topology to the
 * source topics that feed it (a repartition topic when the compiler inserted one), and the
 * topics of one join become one group. The runtime checks user topics' partition counts
 * against each other and gives repartition topics of a group the same count.
 */

import type { DraftNode } from './expand.ts';

/** Source topics upstream of `start`, within what the draft connects (repartitions cut the graph). */
function sourceTopics(start: string, byName: ReadonlyMap<string, DraftNode>): string[] {
  const topics = new Set<string>();
  const seen = new Set<string>();
  const stack = [start];
  for (let name = stack.pop(); name !== undefined; name = stack.pop()) {
    if (seen.has(name)) continue;
    seen.add(name);
    const node = byName.get(name);
    if (node === undefined) continue;
    if (node.kind === 'source') node.topics.forEach((topic) => topics.add(topic));
    else stack.push(...node.parents);
  }
  return [...topics];
}

/**
 * Adds the joins' groups to `existing`, without duplicates; each group sorted.
 *
 * @example
 * ```ts
 * joinCopartitionGroups(expansion.nodes, [['KSTREAM-WINDOWED-0000000002', 'KSTREAM-WINDOWED-0000000003']], []);
 * // [['left', 'right']]
 * ```
 */
export function joinCopartitionGroups(nodes: readonly DraftNode[], joins: readonly (readonly string[])[], existing: readonly (readonly string[])[]): (readonly string[])[] {
  const byName = new Map(nodes.map((node) => [node.name, node]));
  const groups = [...existing];
  const keys = new Set(existing.map((group) => group.join('\u0000')));
  for (const join of joins) {
    const group = [...new Set(join.flatMap((name) => sourceTopics(name, byName)))].sort();
    const key = group.join('\u0000');
    if (group.length < 2 || keys.has(key)) continue;
    keys.add(key);
    groups.push(Object.freeze(group));
  }
  return groups;
}
