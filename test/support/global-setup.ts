/**
 * node:test global setup for integration tests: the stack is brought up once for the
 * whole run (servers that already run are reused), and what this run started is stopped
 * at the end unless STACK_KEEP=1.
 */

import { loadStackConfig } from '../../scripts/stack/config.ts';
import { down, up } from '../../scripts/stack/stack.ts';

const config = loadStackConfig();
let startedHere: string[] = [];

export async function globalSetup(): Promise<void> {
  const started = Date.now();
  const results = await up(config, undefined, (line: string) => console.log(`[stack] ${line}`));
  startedHere = results.filter((result) => result.startedNow).map((result) => result.service);
  console.log(`[stack] ready in ${((Date.now() - started) / 1000).toFixed(1)}s (started now: ${startedHere.join(', ') || 'none'})`);
}

export async function globalTeardown(): Promise<void> {
  if (startedHere.length === 0 || process.env['STACK_KEEP'] === '1') return;
  await down(config, startedHere as Parameters<typeof down>[1]);
}
