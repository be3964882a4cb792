/**
 * The DSL side of `KStream.join / leftJoin / outerJoin(KStream)`, as Kafka Streams'
 * `KStreamImplJoin`: each side goes through a `KSTREAM-WINDOWED-` node that keeps its
 * records in a window store, into a join processor that reads the other side's store
 * (`KSTREAM-JOINTHIS-` / `-JOINOTHER-`, `OUTER…` on outer sides, as Kafka names them),
 * and a `KSTREAM-MERGE-` node joins both outputs. Left and outer joins share one buffer of
 * unmatched records (`KSTREAM-OUTERSHARED-…-store`). Names are taken in Kafka's order:
 * repartitions (left, then right, when a key changed), windowed nodes, join processors,
 * merge; a `StreamJoined` name replaces them all with `<name>-this-windowed`, … .
 */

import type { Serde } from '../../../schemas/serdes/serde.ts';
import { addProcessor, checkSameGraph, type StreamState } from '../handles.ts';
import { streamJoinSideOperator } from '../operators/join-stream-stream.ts';
import { joinWindowOperator } from '../operators/join-window.ts';
import { passThroughOperator } from '../operators/pass-through.ts';
import type { JoinWindows } from '../options/join-windows.ts';
import { defaultStreamJoined, type StreamJoined } from '../options/stream-joined.ts';
import { JOIN_PREFIX, suffixedOr } from './join-names.ts';
import { joinWindowStore, outerJoinBufferStore } from './join-stores.ts';
import { JoinTimesByTask } from './outer-join-buffer.ts';

export type StreamJoinKind = 'inner' | 'left' | 'outer';
type Unknown = Serde<unknown> | undefined;
type AnyJoiner = (left: unknown, right: unknown, key: unknown) => unknown;

/**
 * @example
 * ```ts
 * const joined = streamStreamJoin(clicks.state, views.state, (c, v) => [c, v], JoinWindows.ofTimeDifferenceWithNoGrace(1000), undefined, 'left');
 * ```
 */
export function streamStreamJoin(left: StreamState, right: StreamState, joiner: AnyJoiner, windows: JoinWindows, streamJoined: StreamJoined<unknown, unknown, unknown> | undefined, kind: StreamJoinKind): StreamState {
  const operation = kind === 'inner' ? 'KStream.join' : kind === 'left' ? 'KStream.leftJoin' : 'KStream.outerJoin';
  checkSameGraph(left, right, operation);
  const { graph } = left;
  graph.checkOpen(operation);
  const leftOuter = kind !== 'inner';
  const rightOuter = kind === 'outer';
  const options = streamJoined ?? defaultStreamJoined();
  const name = options.name;
  const keySerde: Unknown = options.keySerde ?? left.keySerde ?? right.keySerde;
  const leftSerde: Unknown = options.valueSerde ?? left.valueSerde;
  const rightSerde: Unknown = options.otherValueSerde ?? right.valueSerde;

  const leftRepartition = left.keyChanged ? graph.streamRepartition({ prefix: suffixedOr(name, '-left', () => left.node), keySerde, valueSerde: leftSerde }) : undefined;
  const rightRepartition = right.keyChanged ? graph.streamRepartition({ prefix: suffixedOr(name, '-right', () => right.node), keySerde, valueSerde: rightSerde }) : undefined;
  const thisWindowed = suffixedOr(name, '-this-windowed', () => graph.newProcessorName(JOIN_PREFIX.WINDOWED));
  const otherWindowed = suffixedOr(name, '-other-windowed', () => graph.newProcessorName(JOIN_PREFIX.WINDOWED));
  const thisGenerated = graph.newProcessorName(rightOuter ? JOIN_PREFIX.OUTERTHIS : JOIN_PREFIX.JOINTHIS);
  const otherGenerated = graph.newProcessorName(leftOuter ? JOIN_PREFIX.OUTEROTHER : JOIN_PREFIX.JOINOTHER);
  const thisSuffix = rightOuter ? '-outer-this-join' : '-this-join';
  const otherSuffix = leftOuter ? '-outer-other-join' : '-other-join';
  const joinThis = suffixedOr(name, thisSuffix, () => thisGenerated);
  const joinOther = suffixedOr(name, otherSuffix, () => otherGenerated);
  const merge = suffixedOr(name, '-merge', () => graph.newProcessorName(JOIN_PREFIX.MERGE));

  const base = options.storeName;
  const thisStore = `${suffixedOr(base, thisSuffix, () => thisGenerated)}-store`;
  const otherStore = `${suffixedOr(base, otherSuffix, () => otherGenerated)}-store`;
  const sharedNumber = thisGenerated.slice((rightOuter ? JOIN_PREFIX.OUTERTHIS : JOIN_PREFIX.JOINTHIS).length);
  const bufferStore = leftOuter
    ? `${suffixedOr(base, rightOuter ? '-outer-shared-join' : '-left-shared-join', () => JOIN_PREFIX.OUTERSHARED + sharedNumber)}-store`
    : undefined;

  graph.addStore(joinWindowStore({ name: thisStore, owner: joinThis, keySerde, options }, leftSerde, windows, windows.afterMs, windows.beforeMs));
  graph.addStore(joinWindowStore({ name: otherStore, owner: joinOther, keySerde, options }, rightSerde, windows, windows.beforeMs, windows.afterMs));
  if (bufferStore !== undefined) graph.addStore(outerJoinBufferStore({ name: bufferStore, owner: joinThis, keySerde, options }, leftSerde, rightSerde));
  const shared = bufferStore === undefined ? [] : [bufferStore];

  const times = new JoinTimesByTask();
  const grace = windows.graceMs;
  addProcessor(graph, {
    name: thisWindowed, parents: [left.node], operator: operation, stores: [thisStore], repartition: leftRepartition,
    factory: () => joinWindowOperator({ node: thisWindowed, storeName: thisStore, windowEndMs: windows.afterMs, graceMs: grace, outer: leftOuter, times }) as never,
  });
  addProcessor(graph, {
    name: otherWindowed, parents: [right.node], operator: operation, stores: [otherStore], repartition: rightRepartition,
    factory: () => joinWindowOperator({ node: otherWindowed, storeName: otherStore, windowEndMs: windows.beforeMs, graceMs: grace, outer: rightOuter, times }) as never,
  });
  const sides = { graceMs: grace, leftWindowEndMs: windows.afterMs, rightWindowEndMs: windows.beforeMs, bufferStore, times };
  addProcessor(graph, {
    name: joinThis, parents: [thisWindowed], operator: operation, stores: [otherStore, ...shared],
    factory: () => streamJoinSideOperator({ ...sides, left: true, beforeMs: windows.beforeMs, afterMs: windows.afterMs, outer: leftOuter, otherStore, joiner }) as never,
  });
  addProcessor(graph, {
    name: joinOther, parents: [otherWindowed], operator: operation, stores: [thisStore, ...shared],
    factory: () => streamJoinSideOperator({
      ...sides, left: false, beforeMs: windows.afterMs, afterMs: windows.beforeMs, outer: rightOuter, otherStore: thisStore,
      joiner: (rightValue, leftValue, key) => joiner(leftValue, rightValue, key),
    }) as never,
  });
  addProcessor(graph, { name: merge, parents: [joinThis, joinOther], operator: operation, factory: () => passThroughOperator() as never });
  graph.copartition([thisWindowed, otherWindowed]);
  return { graph, handles: left.handles, node: merge, keySerde, valueSerde: undefined, keyChanged: false };
}
