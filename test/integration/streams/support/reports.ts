/**
 * Reading what a child app printed (see `test/fixtures/apps/support/run-app.ts`): its
 * state, its tasks, what it restored.
 */

import type { ChildApp } from './child-app.ts';

/** The last `STATE <new> <old>` of the app (from `from` on), or null. */
export function lastState(app: ChildApp, from = 0): string | null {
  const line = app.matching(/^STATE /, from).at(-1);
  return line === undefined ? null : (line.split(' ')[1] ?? null);
}

/**
 * Active task ids of one `TASKS <json>` line. The JSON is `localThreadsMetadata()`;
 * whatever its exact shape, active tasks sit in arrays named `activeTasks`, as
 * `{ taskId }` objects or plain ids.
 */
export function activeTasksOf(line: string): string[] {
  const found: string[] = [];
  const visit = (node: unknown, active: boolean): void => {
    if (Array.isArray(node)) {
      for (const item of node) visit(item, active);
      return;
    }
    if (active && (typeof node === 'string' || typeof node === 'number')) {
      found.push(String(node));
      return;
    }
    if (node === null || typeof node !== 'object') return;
    const record = node as Record<string, unknown>;
    if (active && 'taskId' in record) {
      const id = record['taskId'];
      found.push(typeof id === 'string' ? id : JSON.stringify(id));
      return;
    }
    for (const [key, value] of Object.entries(record)) visit(value, active || key === 'activeTasks');
  };
  visit(JSON.parse(line.slice('TASKS '.length)), false);
  return found.sort();
}

/** Active tasks the app reported last (on its latest transition to RUNNING), from `from` on. */
export function lastActiveTasks(app: ChildApp, from = 0): string[] | null {
  const line = app.matching(/^TASKS /, from).at(-1);
  return line === undefined ? null : activeTasksOf(line);
}

/** Sum of `RESTORED <n> …` lines (records restored into stores), from `from` on. */
export function restoredRecords(app: ChildApp, from = 0): number {
  return app.matching(/^RESTORED /, from).reduce((sum, line) => sum + Number(line.split(' ')[1]), 0);
}

/**
 * Polls `done` every 100 ms until it holds; throws `what` (and `detail()`) at the deadline,
 * or as soon as `signal` aborts (the test is over: timed out, or its harness closed).
 */
export async function until(what: string, done: () => boolean, timeoutMs: number, detail: () => string = () => '', signal?: AbortSignal): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    signal?.throwIfAborted();
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${detail()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Both apps RUNNING with their latest task sets disjoint, non-empty and covering `taskCount` tasks. */
export function sharing(apps: readonly ChildApp[], taskCount: number, from: readonly number[] = []): boolean {
  const sets = apps.map((app, i) => (app.running && lastState(app, from[i] ?? 0) === 'RUNNING' ? lastActiveTasks(app, from[i] ?? 0) : null));
  if (sets.some((set) => set === null || set.length === 0)) return false;
  const all = sets.flatMap((set) => set as string[]);
  return all.length === taskCount && new Set(all).size === taskCount;
}
