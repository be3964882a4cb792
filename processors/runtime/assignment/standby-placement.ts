/**
 * Standby replicas, as Kafka Streams places them: `replicas` copies of every stateful
 * task, each on a different client, never on the client running the task (a standby
 * there would protect nothing). Copies are balanced by weight; within a client's fair
 * share a copy goes where the task's state already is (a standby it kept, the active it
 * ran, or state on disk with the highest offset sum), so little has to be restored.
 * With fewer clients than `replicas + 1`, some copies cannot be placed; they are
 * reported, not forced.
 */

import { interleaved, type PlacementClient, type PlacementTask } from './sticky-placement.ts';

export interface StandbyPlacement {
  /** Client id → standby task keys. */
  readonly standbys: Map<string, string[]>;
  /** How many copies could not be placed for lack of clients. */
  readonly unplaced: number;
}

/**
 * @param activeOwner task key → client id running it.
 */
export function placeStandbys(tasks: readonly PlacementTask[], activeOwner: ReadonlyMap<string, string>, clients: readonly PlacementClient[], replicas: number): StandbyPlacement {
  const sorted = [...clients].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const standbys = new Map<string, string[]>(sorted.map((c) => [c.id, []]));
  let unplaced = 0;
  if (replicas <= 0 || tasks.length === 0) return { standbys, unplaced };

  const weight = sorted.reduce((sum, c) => sum + Math.max(1, c.capacity), 0);
  const total = tasks.length * Math.min(replicas, Math.max(0, sorted.length - 1));
  const share = new Map(sorted.map((c) => [c.id, Math.ceil((total * Math.max(1, c.capacity)) / weight)]));
  const actives = new Map<string, number>();
  for (const owner of activeOwner.values()) actives.set(owner, (actives.get(owner) ?? 0) + 1);
  const holders = new Map<string, Set<string>>();

  const stateRank = (client: PlacementClient, task: string): bigint | undefined => {
    const sum = client.offsetSums.get(task);
    if (sum !== undefined) return sum;
    return client.previousStandby.has(task) || client.previousActive.has(task) ? -1n : undefined;
  };
  const load = (client: PlacementClient): readonly [number, number] => {
    const capacity = Math.max(1, client.capacity);
    const standby = (standbys.get(client.id) as string[]).length;
    return [standby / capacity, (standby + (actives.get(client.id) ?? 0)) / capacity];
  };
  const lighter = (a: PlacementClient, b: PlacementClient): boolean => {
    const [sa, ta] = load(a);
    const [sb, tb] = load(b);
    return sa < sb || (sa === sb && ta < tb);
  };

  // One copy of every task per round, so the first copies are spread before the second.
  const order = interleaved(tasks);
  for (let round = 0; round < replicas; round++) {
    for (const task of order) {
      const taken = holders.get(task.key) ?? new Set<string>();
      holders.set(task.key, taken);
      const candidates = sorted.filter((c) => c.id !== activeOwner.get(task.key) && !taken.has(c.id));
      if (candidates.length === 0) {
        unplaced++;
        continue;
      }
      let best: PlacementClient | undefined;
      let bestRank: bigint | undefined;
      for (const client of candidates) {
        const rank = stateRank(client, task.key);
        if (rank === undefined || (standbys.get(client.id) as string[]).length >= (share.get(client.id) as number)) continue;
        if (bestRank === undefined || rank > bestRank || (rank === bestRank && best !== undefined && lighter(client, best))) {
          best = client;
          bestRank = rank;
        }
      }
      if (best === undefined) for (const client of candidates) if (best === undefined || lighter(client, best)) best = client;
      const chosen = best as PlacementClient;
      (standbys.get(chosen.id) as string[]).push(task.key);
      taken.add(chosen.id);
    }
  }
  rebalance(sorted, standbys, activeOwner, holders, stateRank);
  return { standbys, unplaced };
}

/**
 * Later rounds have fewer candidates (not the active's client, not one holding a copy),
 * so the greedy pass can leave a client heavy. Moves copies from the most to the least
 * loaded client (per thread) while that narrows the gap and the move is legal, copies
 * without local state first.
 */
function rebalance(
  clients: readonly PlacementClient[],
  standbys: Map<string, string[]>,
  activeOwner: ReadonlyMap<string, string>,
  holders: Map<string, Set<string>>,
  stateRank: (client: PlacementClient, task: string) => bigint | undefined,
): void {
  const perThread = (c: PlacementClient): number => (standbys.get(c.id) as string[]).length / Math.max(1, c.capacity);
  const limit = [...standbys.values()].reduce((n, list) => n + list.length, 0) * clients.length;
  for (let moves = 0; moves < limit; moves++) {
    const byLoad = [...clients].sort((a, b) => perThread(b) - perThread(a));
    let moved = false;
    for (const over of byLoad) {
      for (const under of [...byLoad].reverse()) {
        const to = standbys.get(under.id) as string[];
        if ((to.length + 1) / Math.max(1, under.capacity) >= perThread(over)) break;
        const from = standbys.get(over.id) as string[];
        const movable = from
          .filter((task) => activeOwner.get(task) !== under.id && holders.get(task)?.has(under.id) !== true)
          .sort((a, b) => Number(stateRank(over, a) !== undefined) - Number(stateRank(over, b) !== undefined));
        const task = movable[0];
        if (task === undefined) continue;
        from.splice(from.indexOf(task), 1);
        to.push(task);
        holders.get(task)?.delete(over.id);
        holders.get(task)?.add(under.id);
        moved = true;
        break;
      }
      if (moved) break;
    }
    if (!moved) return;
  }
}
