/**
 * `KTable.suppress`: adds the suppress node and its buffer store, named as Kafka Streams
 * names them (`KTABLE-SUPPRESS-<n>` then `KTABLE-SUPPRESS-STATE-STORE-<n>`, or the
 * `Suppressed` name and `<name>-store`). Final results (`untilWindowCloses`) need the
 * windowed table's grace, so the table must come straight out of a windowed aggregation.
 *
 * @example
 * ```ts
 * const finals = suppressTable(table.state, Suppressed.untilWindowCloses(BufferConfig.unbounded()));
 * ```
 */

import { KstError } from '../../../common/errors.ts';
import type { Serde } from '../../../schemas/serdes/serde.ts';
import type { Windowed } from '../../../state/api/windowed.ts';
import { resolveSerde } from '../../compiler/serdes.ts';
import type { GraphDefaults } from '../graph/nodes.ts';
import { addProcessor, type TableState } from '../handles.ts';
import type { KTable } from '../ktable.ts';
import { suppressOperator } from '../operators/suppress.ts';
import type { Suppressed } from '../options/suppressed.ts';
import { keyIdentity } from './key-identity.ts';
import { suppressBufferSpec } from './window-store-specs.ts';
import { recordWindowedTable, windowedTableInfo } from './windowed-tables.ts';

export const SUPPRESS_PREFIX = 'KTABLE-SUPPRESS-';

export function suppressTable<K, V>(state: TableState, suppressed: Suppressed): KTable<K, V> {
  const { graph } = state;
  graph.checkOpen('KTable.suppress');
  const name = suppressed.name ?? graph.newProcessorName(SUPPRESS_PREFIX);
  const storeName = suppressed.name === undefined ? graph.newStoreName(SUPPRESS_PREFIX) : `${suppressed.name}-store`;
  const info = windowedTableInfo(graph, state.node);
  const finalResults = suppressed.kind === 'window-close';
  if (finalResults && info === undefined) {
    throw new KstError('KST_TOPOLOGY_INVALID', `suppress(untilWindowCloses) after "${state.node}" needs a windowed table straight out of windowedBy(...).count/reduce/aggregate`, { node: state.node });
  }
  const keySerde = (defaults: GraphDefaults): Serde<unknown> =>
    state.keySerde ?? (info === undefined
      ? resolveSerde(undefined, defaults, 'key', name)
      : info.keySerde(resolveSerde(info.innerKeySerde, defaults, 'key', name)) as Serde<unknown>);
  graph.addStore(suppressBufferSpec(storeName, name, keySerde, state.valueSerde));
  const inclusive = info?.inclusiveEnd === true ? 1 : 0;
  const timeOf = finalResults
    ? (key: unknown): number => (key as Windowed<unknown>).window.end + inclusive
    : (_key: unknown, timestamp: number): number => timestamp;
  addProcessor(graph, {
    name,
    parents: [state.node],
    operator: 'suppress',
    factory: (env) => suppressOperator<unknown, unknown>({
      storeName, processorName: name, buffer: suppressed.buffer,
      delayMs: finalResults ? (info?.graceMs ?? 0) : suppressed.timeLimitMs,
      timeOf, idOf: keyIdentity, dropTombstones: finalResults, sendOldValues: env.sendOldValues,
    }) as never,
    stores: [storeName],
    table: { kind: 'transform', storeName: undefined, materialized: false },
  });
  if (info !== undefined) recordWindowedTable(graph, name, info);
  return state.handles.table<K, V>({ graph, handles: state.handles, node: name, keySerde: state.keySerde, valueSerde: state.valueSerde, keyChanged: false, queryableStoreName: undefined });
}
