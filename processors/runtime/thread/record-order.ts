/**
 * The order a task processes records of several input partitions in: repeatedly the
 * head with the lowest timestamp, as Kafka Streams' `PartitionGroup` picks it, so a
 * join sees both sides in time order. Each partition's own order (offsets) is kept.
 *
 * @example
 * ```ts
 * mergeByTimestamp([[{ timestamp: 5n }, { timestamp: 9n }], [{ timestamp: 7n }]]); // 5, 7, 9
 * ```
 */

export function mergeByTimestamp<R extends { readonly timestamp: bigint }>(lists: readonly (readonly R[])[]): R[] {
  let total = 0;
  for (const list of lists) total += list.length;
  const out = new Array<R>(total);
  const heads = new Array<number>(lists.length).fill(0);
  for (let n = 0; n < total; n++) {
    let best = -1;
    let bestTime = 0n;
    for (let i = 0; i < lists.length; i++) {
      const list = lists[i] as readonly R[];
      const head = heads[i] as number;
      if (head >= list.length) continue;
      const time = (list[head] as R).timestamp;
      if (best < 0 || time < bestTime) {
        best = i;
        bestTime = time;
      }
    }
    out[n] = (lists[best] as readonly R[])[heads[best] as number] as R;
    heads[best] = (heads[best] as number) + 1;
  }
  return out;
}
