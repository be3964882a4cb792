/**
 * A Connect worker run as users run it, `node connectors/worker-main.ts` configured by
 * `CONNECT_*` variables, in a child process the test can SIGKILL. It keeps its REST port
 * across restarts, so a restarted worker has the same URL and worker id.
 */

import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { bootstrap, until } from './helpers.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** A port free right now (the OS picks it). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export class WorkerProcess {
  readonly url: string;
  readonly #env: Record<string, string>;
  #child: ChildProcess | null = null;
  #output: string[] = [];

  /** `overrides` go last (e.g. a longer session timeout, or `group.instance.id` for a static worker). */
  constructor(cluster: Record<string, string>, port: number, overrides: Record<string, string> = {}) {
    this.url = `http://127.0.0.1:${port}`;
    const settings: Record<string, string> = {
      'bootstrap.servers': bootstrap(), ...cluster, 'rest.port': String(port), 'offset.flush.interval.ms': '500',
      'status.storage.partitions': '1', 'offset.storage.partitions': '1',
      'session.timeout.ms': '6000', 'heartbeat.interval.ms': '500', 'rebalance.timeout.ms': '10000',
      ...overrides,
    };
    this.#env = Object.fromEntries(Object.entries(settings).map(([key, value]) => [`CONNECT_${key.replace(/[.-]/g, '_').toUpperCase()}`, value]));
  }

  /** Starts the process and waits until the worker answers `/health`. */
  async start(): Promise<void> {
    const child = spawn(process.execPath, ['connectors/worker-main.ts'], { cwd: root, env: { ...process.env, ...this.#env }, stdio: ['ignore', 'pipe', 'pipe'] });
    this.#child = child;
    const keep = (chunk: Buffer): void => {
      this.#output.push(chunk.toString('utf8'));
      if (this.#output.length > 400) this.#output.splice(0, 100);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    await until('the worker process answers /health', async () => {
      if (child.exitCode !== null) throw new Error(`the worker process exited with ${child.exitCode}:\n${this.output()}`);
      return (await fetch(`${this.url}/health`).catch(() => null))?.status === 200;
    }, 60_000, 200);
  }

  /** SIGKILL: no flush, no commit, no leaving the groups. */
  async kill(): Promise<void> {
    await this.#signal('SIGKILL');
  }

  /** SIGTERM: the worker stops its tasks and commits what they flushed. */
  async stop(): Promise<void> {
    await this.#signal('SIGTERM');
  }

  /** How many of the lines it printed (in every run, as far as kept) match. */
  count(pattern: RegExp): number {
    return this.#output.join('').split('\n').filter((line) => pattern.test(line)).length;
  }

  /** The last lines the process printed, for failure messages. */
  output(): string {
    return this.#output.join('').split('\n').slice(-60).join('\n');
  }

  async #signal(signal: NodeJS.Signals): Promise<void> {
    const child = this.#child;
    if (child === null || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    // A worker that does not stop on SIGTERM within 30 s is killed, so a test never hangs on it.
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(timer);
    this.#child = null;
  }
}
