/**
 * How connectors and tasks are spread over the workers of a cluster. The group's
 * assignor hands every member the same worker list (and the leader); each worker then
 * applies this pure function to the config snapshot, so all workers agree on who runs
 * what without another rebalance when a connector is added or reconfigured. Round robin
 * over workers sorted by id, connectors first, then tasks (Connect's eager assignor).
 */

import type { ConnectorSnapshot } from '../storage/config-store.ts';

export interface WorkAssignment {
  /** Connector name → worker id. */
  readonly connectors: ReadonlyMap<string, string>;
  /** `<connector>-<task>` → worker id. */
  readonly tasks: ReadonlyMap<string, string>;
}

export const taskKey = (connector: string, task: number): string => `${connector}-${task}`;

/**
 * @example
 * ```ts
 * const work = spreadWork(['w1:8083', 'w2:8083'], configStore.all());
 * work.tasks.get('orders-pg-1'); // 'w1:8083'
 * ```
 */
export function spreadWork(workers: readonly string[], connectors: readonly ConnectorSnapshot[]): WorkAssignment {
  const sorted = [...workers].sort();
  const connectorOwners = new Map<string, string>();
  const taskOwners = new Map<string, string>();
  if (sorted.length === 0) return { connectors: connectorOwners, tasks: taskOwners };
  let next = 0;
  const byName = [...connectors].sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const connector of byName) connectorOwners.set(connector.name, sorted[next++ % sorted.length] as string);
  for (const connector of byName) {
    if (connector.target === 'STOPPED') continue;
    for (let task = 0; task < connector.tasks.length; task++) taskOwners.set(taskKey(connector.name, task), sorted[next++ % sorted.length] as string);
  }
  return { connectors: connectorOwners, tasks: taskOwners };
}
