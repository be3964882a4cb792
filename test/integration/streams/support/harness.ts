/**
 * One acceptance test's world: the broker's address (from the stack config), an admin
 * client and a producer, a temporary folder for app logs and state directories, the apps
 * it started and the topics it made. `close()` (call it from `t.after`) SIGKILLs every
 * app still running, prints their log tails unless the test passed, and removes topics,
 * groups and, after a pass, the folder (kept with KST_IT_KEEP=1).
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { endpoints, loadStackConfig } from '../../../../scripts/stack/config.ts';
import { KafkaAdmin, KafkaProducer, type KafkaClientConfig } from '../../../../processors/kafka/index.ts';
import { ChildApp } from './child-app.ts';
import { awaitCaughtUp, clientConfig } from './kafka-io.ts';
import { until } from './reports.ts';

export const APPS = {
  aggregation: fileURLToPath(new URL('../../../fixtures/apps/aggregation-app.ts', import.meta.url)),
  wordCount: fileURLToPath(new URL('../../../fixtures/apps/word-count-app.ts', import.meta.url)),
} as const;

export type Guarantee = 'at_least_once' | 'exactly_once_v2';

const everyApp = new Set<ChildApp>();
// Last resort when the test process itself goes away: no app outlives it.
process.once('exit', () => {
  for (const app of everyApp) if (app.running && app.pid !== undefined) process.kill(app.pid, 'SIGKILL');
});

export class StreamsHarness {
  readonly bootstrap: string;
  readonly client: KafkaClientConfig;
  readonly admin: KafkaAdmin;
  readonly producer: KafkaProducer;
  readonly dir: string;
  readonly apps: ChildApp[] = [];
  /** Aborted by `close()`: waits still running in a timed-out test body stop at once. */
  readonly signal: AbortSignal;
  readonly #abort = new AbortController();
  readonly #topics: string[] = [];
  readonly #appIds = new Set<string>();
  readonly #started = Date.now();
  #passed = false;

  /** `bootstrap`: another broker than the shared stack's (a test that restarts its own). */
  constructor(label: string, options: { readonly bootstrap?: string } = {}) {
    this.bootstrap = options.bootstrap ?? endpoints(loadStackConfig()).kafkaBootstrap;
    this.client = clientConfig(this.bootstrap, `kst-it-${label}`);
    this.admin = new KafkaAdmin(this.client);
    this.producer = new KafkaProducer(this.client);
    this.dir = mkdtempSync(join(tmpdir(), `kst-it-${label}-`));
    this.signal = this.#abort.signal;
  }

  /** `until` bound to this harness: stops when the harness closes, fails at once when an app printed FATAL. */
  until(what: string, done: () => boolean, timeoutMs: number): Promise<void> {
    const fatal = (): boolean => this.apps.some((app) => app.matching(/^FATAL /).length > 0);
    return until(what, () => {
      if (fatal()) throw new Error(`an app failed while waiting for ${what}:\n${this.apps.map((app) => app.tail(25)).join('\n')}`);
      return done();
    }, timeoutMs, () => this.apps.map((app) => app.tail(25)).join('\n'), this.signal);
  }

  /** `awaitCaughtUp` of this harness's group `group`, stopping when the harness closes. */
  awaitCaughtUp(group: string, stages: Parameters<typeof awaitCaughtUp>[3], timeoutMs: number): Promise<void> {
    return awaitCaughtUp(this.admin, this.client, group, stages, timeoutMs, this.signal);
  }

  /** Seconds since the harness was made, for progress lines. */
  elapsed(): string {
    return `${((Date.now() - this.#started) / 1000).toFixed(1)}s`;
  }

  log(message: string): void {
    console.log(`[${this.elapsed()}] ${message}`);
  }

  async createTopics(names: readonly string[], partitions: number): Promise<void> {
    this.#topics.push(...names);
    await this.admin.createTopics(names.map((name) => ({ name, partitions, replicationFactor: 1 })));
  }

  /**
   * A child app (not started). Its state directory is `<dir>/<name>-state` for every run,
   * so a restart after SIGKILL finds what the killed run left there, as a real restart does.
   */
  app(name: string, script: string, appId: string, guarantee: Guarantee, env: Readonly<Record<string, string>>): ChildApp {
    this.#appIds.add(appId);
    const app = new ChildApp({
      name,
      entry: script,
      logFile: join(this.dir, `${name}.log`),
      env: {
        KST_APP_ID: appId,
        KST_BOOTSTRAP: this.bootstrap,
        KST_GUARANTEE: guarantee,
        KST_STATE_DIR: join(this.dir, `${name}-state`),
        KST_COMMIT_INTERVAL_MS: '100',
        ...env,
      },
    });
    this.apps.push(app);
    everyApp.add(app);
    return app;
  }

  /** Marks the test body as passed: logs are then not printed and the folder is removed. */
  passed(): void {
    this.#passed = true;
  }

  async close(): Promise<void> {
    this.#abort.abort(new Error('the test is over (harness closed)'));
    await Promise.all(this.apps.map((app) => app.kill('SIGKILL')));
    for (const app of this.apps) everyApp.delete(app);
    if (!this.#passed) {
      for (const app of this.apps) console.log(app.tail(80));
      console.log(`app logs and state kept in ${this.dir}`);
    }
    try {
      const internal = (await this.admin.listTopics()).filter((topic) => [...this.#appIds].some((id) => topic.startsWith(`${id}-`)));
      await this.admin.deleteTopics([...this.#topics, ...internal], { ifExists: true });
      // SIGKILLed members stay in the group until their session times out; then the group is empty.
      await this.admin.deleteGroups([...this.#appIds]).catch(() => undefined);
    } catch (error) {
      console.log(`cleanup of topics failed: ${String(error)}`);
    } finally {
      await this.producer.close().catch(() => undefined);
      await this.admin.close().catch(() => undefined);
    }
    if (this.#passed && process.env['KST_IT_KEEP'] !== '1') rmSync(this.dir, { recursive: true, force: true });
    else if (this.#passed) console.log(`app logs and state kept in ${this.dir} (KST_IT_KEEP=1)`);
  }
}
