/**
 * Dispatches `KStream.join / leftJoin / outerJoin` by what is joined, as Kafka Streams'
 * overloads do: another stream (windowed join), a KTable (lookup, co-partitioned) or a
 * GlobalKTable (lookup through a key selector). Kept apart from `kstream.ts` so that the
 * stream handle stays a thin list of operators.
 */

import { KstError } from '../../../common/errors.ts';
import { GlobalKTable } from '../global-ktable.ts';
import type { StreamState, TableState } from '../handles.ts';
import type { Joined } from '../options/joined.ts';
import type { JoinWindows } from '../options/join-windows.ts';
import type { Named } from '../options/named.ts';
import type { StreamJoined } from '../options/stream-joined.ts';
import { streamStreamJoin, type StreamJoinKind } from './stream-stream-join.ts';
import { streamGlobalTableJoin, streamTableJoin } from './stream-table-join.ts';

type AnyFunction = (...args: never[]) => unknown;
type Joinable = { readonly state: StreamState } | GlobalKTable<unknown, unknown>;

function isTable(other: Joinable): other is { readonly state: TableState } {
  return 'queryableStoreName' in other && !(other instanceof GlobalKTable);
}

/**
 * @example
 * ```ts
 * const state = streamJoin('left', orders.state, customers, (o, c) => ({ o, c }), undefined, undefined);
 * ```
 */
export function streamJoin(kind: StreamJoinKind, own: StreamState, other: Joinable, second: unknown, third: unknown, fourth: unknown): StreamState {
  if (other instanceof GlobalKTable) {
    if (kind === 'outer') throw new KstError('KST_TOPOLOGY_INVALID', 'KStream.outerJoin takes a KStream: a stream cannot outer-join a GlobalKTable', { node: own.node });
    return streamGlobalTableJoin(own, other.state, second as AnyFunction as never, third as AnyFunction as never, fourth as Named | undefined, kind === 'left');
  }
  if (isTable(other)) {
    if (kind === 'outer') throw new KstError('KST_TOPOLOGY_INVALID', 'KStream.outerJoin takes a KStream: a stream cannot outer-join a KTable', { node: own.node });
    return streamTableJoin(own, other.state, second as never, third as Joined<unknown, unknown, unknown> | undefined, kind === 'left');
  }
  const windows = third as JoinWindows | undefined;
  if (windows === undefined || typeof windows.sizeMs !== 'number') {
    throw new KstError('KST_TOPOLOGY_INVALID', 'a stream-stream join needs JoinWindows (JoinWindows.ofTimeDifferenceWithNoGrace(ms) or ofTimeDifferenceAndGrace(ms, grace))', { node: own.node });
  }
  return streamStreamJoin(own, other.state, second as never, windows, fourth as StreamJoined<unknown, unknown, unknown> | undefined, kind);
}
