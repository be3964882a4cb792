/**
 * Balanced, sticky placement of tasks on weighted clients. The same algorithm places a
 * group's tasks on processes (weight: the process's thread count) and then a process's
 * tasks on its threads (weight 1 each).
 *
 * Balance is a hard rule: with T tasks over a total weight W, every unit of weight gets
 * ⌊T/W⌋ or ⌈T/W⌉ tasks, so tasks per thread differ by at most one across the group.
 * Within that, a task goes, in this order of preference, to the client that ran it
 * before, to the client holding the most of its state (highest changelog offset sum), to
 * a client that kept a standby of it, and finally to the client with the fewest tasks of
 * its sub-topology and then the least load, which spreads each sub-topology.
 */

export interface PlacementClient {
  readonly id: string;
  /** Weight: the number of threads (members) behind this client; at least 1. */
  readonly capacity: number;
  readonly previousActive: ReadonlySet<string>;
  readonly previousStandby: ReadonlySet<string>;
  /** Task key → sum of the changelog offsets of its state on this client's disk. */
  readonly offsetSums: ReadonlyMap<string, bigint>;
}

export interface PlacementTask {
  /** `taskIdToString`. */
  readonly key: string;
  /** Sub-topology, the unit that is spread across clients. */
  readonly group: number;
  /** Position within its sub-topology (the partition). */
  readonly index: number;
}

interface Load {
  readonly client: PlacementClient;
  readonly min: number;
  readonly max: number;
  readonly tasks: string[];
  readonly perGroup: Map<number, number>;
}

/**
 * Interleaves sub-topologies (`0_0, 1_0, 0_1, 1_1, …`): when a client must give up part
 * of what it held, it keeps a slice of every sub-topology rather than all of one.
 */
export function interleaved<T extends PlacementTask>(tasks: readonly T[]): T[] {
  return [...tasks].sort((a, b) => a.index - b.index || a.group - b.group || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** Returns every client's task keys (possibly none). Deterministic for equal inputs. */
export function placeTasks(tasks: readonly PlacementTask[], clients: readonly PlacementClient[]): Map<string, string[]> {
  const sorted = [...clients].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const out = new Map<string, string[]>(sorted.map((c) => [c.id, []]));
  if (sorted.length === 0 || tasks.length === 0) return out;
  const weight = sorted.reduce((sum, c) => sum + Math.max(1, c.capacity), 0);
  const base = Math.floor(tasks.length / weight);
  let extras = tasks.length - base * weight;
  const loads = new Map<string, Load>(sorted.map((client) => {
    const capacity = Math.max(1, client.capacity);
    return [client.id, { client, min: base * capacity, max: base * capacity + (extras > 0 ? capacity : 0), tasks: out.get(client.id) as string[], perGroup: new Map() }];
  }));

  const canTake = (load: Load, useExtras: boolean): boolean => load.tasks.length < load.min || (useExtras && extras > 0 && load.tasks.length < load.max);
  const placed = new Set<string>();
  const take = (load: Load, task: PlacementTask): void => {
    if (load.tasks.length >= load.min) extras--;
    load.tasks.push(task.key);
    load.perGroup.set(task.group, (load.perGroup.get(task.group) ?? 0) + 1);
    placed.add(task.key);
  };
  const order = interleaved(tasks);
  const previousOwner = (task: PlacementTask): Load | undefined => {
    const owner = sorted.find((c) => c.previousActive.has(task.key));
    return owner === undefined ? undefined : loads.get(owner.id);
  };

  // Stickiness first within the guaranteed share, then with the spare slots, so a client
  // that held too much cannot use up the spare slots of the others' sticky tasks.
  for (const useExtras of [false, true]) {
    for (const task of order) {
      if (placed.has(task.key)) continue;
      const owner = previousOwner(task);
      if (owner !== undefined && canTake(owner, useExtras)) take(owner, task);
    }
  }

  // Then where the state is: highest offset sum first, over all tasks at once.
  const withState: Array<{ task: PlacementTask; load: Load; sum: bigint; rank: number }> = [];
  order.forEach((task, rank) => {
    if (placed.has(task.key)) return;
    for (const load of loads.values()) {
      const sum = load.client.offsetSums.get(task.key);
      if (sum !== undefined) withState.push({ task, load, sum, rank });
    }
  });
  withState.sort((a, b) => (a.sum > b.sum ? -1 : a.sum < b.sum ? 1 : a.rank - b.rank));
  for (const { task, load } of withState) if (!placed.has(task.key) && canTake(load, true)) take(load, task);

  for (const task of order) {
    if (placed.has(task.key)) continue;
    const holder = [...loads.values()].find((load) => load.client.previousStandby.has(task.key) && canTake(load, true));
    if (holder !== undefined) take(holder, task);
  }

  for (const task of order) {
    if (placed.has(task.key)) continue;
    let best: Load | undefined;
    let bestScore: readonly [number, number] = [Infinity, Infinity];
    for (const load of loads.values()) {
      if (!canTake(load, true)) continue;
      const capacity = Math.max(1, load.client.capacity);
      const score = [(load.perGroup.get(task.group) ?? 0) / capacity, load.tasks.length / capacity] as const;
      if (score[0] < bestScore[0] || (score[0] === bestScore[0] && score[1] < bestScore[1])) {
        best = load;
        bestScore = score;
      }
    }
    // Unreachable: the quotas add up to exactly the number of tasks.
    if (best === undefined) throw new Error(`no client can take task ${task.key}`);
    take(best, task);
  }
  return out;
}
