/**
 * Debian's Chromium, which the ops page's browser test drives through `puppeteer-core`
 * (it downloads no browser). `npm test` makes sure it is installed before the integration
 * tests run, so a fresh machine needs nothing installed by hand: when no `chromium` is on
 * the PATH (and `CHROMIUM_PATH` names none), it runs `apt-get install chromium`, through
 * `sudo` when not root. Once per machine.
 *
 * @example
 * ```ts
 * await ensureChromium((line) => console.log(`[stack] ${line}`));
 * ```
 */

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** The browser's path: `CHROMIUM_PATH`, else `chromium` on the PATH; undefined when there is none. */
export function chromiumPath(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const configured = env['CHROMIUM_PATH'];
  if (configured !== undefined && configured !== '') return existsSync(configured) ? configured : undefined;
  const found = spawnSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' });
  const path = found.stdout.trim();
  return found.status === 0 && path !== '' ? path : undefined;
}

export function ensureChromium(log: (line: string) => void): string {
  const present = chromiumPath();
  if (present !== undefined) return present;
  if (process.env['CHROMIUM_PATH'] !== undefined && process.env['CHROMIUM_PATH'] !== '') {
    throw new Error(`CHROMIUM_PATH names ${process.env['CHROMIUM_PATH']}, which does not exist`);
  }
  const root = process.getuid?.() === 0;
  const run = (args: readonly string[]): void => {
    const command = root ? args[0] as string : 'sudo';
    const rest = root ? args.slice(1) : args;
    const result = spawnSync(command, rest, { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    if (result.status !== 0) throw new Error(`installing Debian's chromium failed: ${args.join(' ')} exited with ${result.status ?? result.signal}`);
  };
  log('chromium: not found, installing Debian\'s chromium (apt-get, once per machine)…');
  run(['apt-get', 'update', '-qq']);
  run(['apt-get', 'install', '-y', '-qq', '--no-install-recommends', 'chromium']);
  const installed = chromiumPath();
  if (installed === undefined) throw new Error('apt-get installed chromium, but no chromium is on the PATH');
  log(`chromium: installed at ${installed}`);
  return installed;
}
