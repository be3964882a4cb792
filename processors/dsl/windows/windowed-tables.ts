/**
 * What `suppress(untilWindowCloses)` must know about the windowed table it follows: the
 * grace of its windows, whether window ends are inclusive, and how to write its keys.
 * Kept by graph and node name, as the table handles carry no window information: the
 * windowed aggregation and suppress nodes record it, so suppress must follow one of them
 * directly (Kafka also accepts filter or mapValues in between).
 */

import type { Serde } from '../../../schemas/serdes/serde.ts';
import type { Windowed } from '../../../state/api/windowed.ts';
import type { LogicalGraph } from '../graph/logical-graph.ts';

export interface WindowedTableInfo {
  readonly graceMs: number;
  /** Session and sliding windows end inclusively; tumbling and hopping windows do not. */
  readonly inclusiveEnd: boolean;
  /** The windowed key serde made from an inner key serde (Kafka's layouts). */
  readonly keySerde: (inner: Serde<unknown>) => Serde<Windowed<unknown>>;
  /** The inner key serde the aggregation was given, if any. */
  readonly innerKeySerde: Serde<unknown> | undefined;
}

const byGraph = new WeakMap<LogicalGraph, Map<string, WindowedTableInfo>>();

export function recordWindowedTable(graph: LogicalGraph, node: string, info: WindowedTableInfo): void {
  let nodes = byGraph.get(graph);
  if (nodes === undefined) byGraph.set(graph, (nodes = new Map()));
  nodes.set(node, Object.freeze(info));
}

export function windowedTableInfo(graph: LogicalGraph, node: string): WindowedTableInfo | undefined {
  return byGraph.get(graph)?.get(node);
}
