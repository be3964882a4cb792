/**
 * The child side of a launcher's warm spare (scripts/platform/node-process.ts): a process
 * started ahead of need, with `KST_WARM_SPARE=1`, loads its modules and then waits; the
 * launcher activates it when the run it stands in for has crashed, by writing one line to
 * its stdin, a JSON object of environment variables for this run. So a restart does not
 * pay for Node's start and the loading of the engine's modules (1–2.5 s of a restart on
 * the shared 2-core machine, most of it). A spare whose stdin closes before it is
 * activated (its launcher is gone) exits.
 *
 * @example
 * ```ts
 * // the entry's static imports are loaded by now
 * if (isWarmSpare()) await import('./heavy-but-lazy.ts');
 * await activation(); // at once when not a spare
 * startService();
 * ```
 */

import { createInterface } from 'node:readline';

export const WARM_SPARE_VARIABLE = 'KST_WARM_SPARE';

/** Whether this process was started as a warm spare and is not activated yet. */
export function isWarmSpare(): boolean {
  return process.env[WARM_SPARE_VARIABLE] === '1';
}

/**
 * Resolves at once in a process that is not a warm spare; in a spare, once the launcher
 * has activated it, with the variables it sent applied to `process.env`.
 */
export async function activation(): Promise<void> {
  if (!isWarmSpare()) return;
  delete process.env[WARM_SPARE_VARIABLE];
  const lines = createInterface({ input: process.stdin });
  const line = await new Promise<string>((resolve) => {
    lines.once('line', resolve);
    lines.once('close', () => process.exit(0));
  });
  lines.removeAllListeners('close');
  lines.close();
  process.stdin.destroy();
  const variables = JSON.parse(line) as Record<string, string>;
  for (const [name, value] of Object.entries(variables)) process.env[name] = String(value);
}
