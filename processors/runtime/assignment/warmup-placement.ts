/**
 * Warm-up replicas, as Kafka Streams' high-availability assignor has them (KIP-441): a
 * stateful task moves to a client only once that client has caught up with its state.
 *
 * The balanced placement (`placeTasks`) says where each task should run. When that
 * client is not caught up for a stateful task (its state lags the changelog by more than
 * `acceptable.recovery.lag` records) and another client is, the task keeps running on a
 * caught-up client (the one that ran it, else the one with the most state) and the
 * target gets a warm-up replica: a standby that restores the state in the background,
 * at most `max.warmup.replicas` of them in the group at once. A later (probing)
 * rebalance finds the target caught up and moves the task without a stall. A task no
 * client is caught up for stays where the balanced placement put it: someone must
 * restore it, and the balanced target already holds the most of its state.
 *
 * Caught up: the client ran the task as its active (its lag is what it has not
 * processed yet, not state to restore), or its state's changelog offset sum is within
 * the acceptable lag of the changelogs' end offset sum. When the end offsets are not
 * known (listing them failed), the best offset sum any client reported stands in for
 * them. A client with no state counts as offset sum 0, so a task whose changelogs hold
 * fewer records than the acceptable lag is caught up everywhere and moves at once.
 */

import { interleaved, type PlacementClient, type PlacementTask } from './sticky-placement.ts';

export interface WarmupSettings {
  /** `acceptable.recovery.lag`: records of changelog a client may lag and still take the task. */
  readonly acceptableLag: number;
  /** `max.warmup.replicas`: warm-up replicas in the whole group at once. */
  readonly maxWarmups: number;
}

export interface WarmupPlacement {
  /** Client id → active task keys, after holding back tasks from clients not caught up. */
  readonly active: Map<string, string[]>;
  /** Client id → warm-up task keys (standbys that restore a task before it moves there). */
  readonly warmups: Map<string, string[]>;
  /** How many tasks run elsewhere than their balanced place, waiting for their target to catch up. */
  readonly held: number;
}

/**
 * @param stateful the stateful tasks (only these can be held back).
 * @param active the balanced placement: client id → active task keys.
 * @param endSums task key → sum of its changelogs' end offsets; undefined when not known.
 */
export function holdForWarmup(
  stateful: readonly PlacementTask[],
  active: ReadonlyMap<string, readonly string[]>,
  clients: readonly PlacementClient[],
  endSums: ReadonlyMap<string, bigint> | undefined,
  settings: WarmupSettings,
): WarmupPlacement {
  const out = new Map<string, string[]>([...active].map(([id, keys]) => [id, [...keys]]));
  const warmups = new Map<string, string[]>(clients.map((c) => [c.id, []]));
  const owner = new Map<string, string>();
  for (const [id, keys] of out) for (const key of keys) owner.set(key, id);
  const byId = new Map(clients.map((c) => [c.id, c]));
  const acceptable = BigInt(Math.max(0, settings.acceptableLag));
  let held = 0;
  let warming = 0;

  const sumOf = (client: PlacementClient, task: string): bigint => client.offsetSums.get(task) ?? 0n;
  for (const task of interleaved(stateful)) {
    const targetId = owner.get(task.key);
    const target = targetId === undefined ? undefined : byId.get(targetId);
    if (target === undefined) continue;
    const end = endSums?.get(task.key) ?? clients.reduce((best, c) => (sumOf(c, task.key) > best ? sumOf(c, task.key) : best), 0n);
    const caughtUp = (client: PlacementClient): boolean => client.previousActive.has(task.key) || end - sumOf(client, task.key) <= acceptable;
    if (caughtUp(target)) continue;
    const candidates = clients.filter((c) => c.id !== target.id && caughtUp(c));
    if (candidates.length === 0) continue;
    const holder = candidates.find((c) => c.previousActive.has(task.key))
      ?? candidates.reduce((best, c) => {
        const [a, b] = [sumOf(c, task.key), sumOf(best, task.key)];
        if (a !== b) return a > b ? c : best;
        return (out.get(c.id)?.length ?? 0) / Math.max(1, c.capacity) < (out.get(best.id)?.length ?? 0) / Math.max(1, best.capacity) ? c : best;
      });
    const from = out.get(target.id) as string[];
    from.splice(from.indexOf(task.key), 1);
    const to = out.get(holder.id) ?? [];
    to.push(task.key);
    out.set(holder.id, to);
    owner.set(task.key, holder.id);
    held++;
    if (warming < settings.maxWarmups) {
      (warmups.get(target.id) as string[]).push(task.key);
      warming++;
    }
  }
  return { active: out, warmups, held };
}
