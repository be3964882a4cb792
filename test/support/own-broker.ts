/**
 * A single-node Kafka of a test's own, on other ports and in a home of its own (the
 * shared stack's distribution cache), for tests that SIGKILL and restart the broker: the
 * shared broker is never touched. The schema registry stays the shared one.
 *
 * @example
 * ```ts
 * const broker = await OwnBroker.start(19_492, console.log);
 * const { before, after } = await broker.restart(); // SIGKILL, then up again on its data
 * await broker.close();
 * ```
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { endpoints, loadStackConfig, type StackConfig } from '../../scripts/stack/config.ts';
import { isPortFree } from '../../scripts/stack/ports.ts';
import { readRecord, waitForExit } from '../../scripts/stack/processes.ts';
import { down, up } from '../../scripts/stack/stack.ts';
import { KafkaAdmin } from '../../processors/kafka/index.ts';
import { freeServerPorts } from './free-ports.ts';
import { clientConfig } from '../integration/streams/support/kafka-io.ts';

async function ownBrokerConfig(home: string): Promise<StackConfig> {
  const shared = loadStackConfig();
  const [kafka, controller, sasl, registry, management, opensearch, transport, postgres] = (await freeServerPorts(8)).map(String);
  return loadStackConfig({
    STACK_HOME: home,
    STACK_CACHE_DIR: shared['cache.dir'],
    STACK_KAFKA_PORT: kafka,
    STACK_KAFKA_CONTROLLER_PORT: controller,
    STACK_KAFKA_SASL_PORT: sasl,
    STACK_KAFKA_HEAP_MB: '512',
    // Unused (only Kafka starts), but distinct from the shared stack's, as `up` checks.
    STACK_REGISTRY_PORT: registry,
    STACK_REGISTRY_MANAGEMENT_PORT: management,
    STACK_OPENSEARCH_PORT: opensearch,
    STACK_OPENSEARCH_TRANSPORT_PORT: transport,
    STACK_POSTGRES_PORT: postgres,
  });
}

export class OwnBroker {
  readonly config: StackConfig;
  readonly #log: (line: string) => void;

  private constructor(config: StackConfig, log: (line: string) => void) {
    this.config = config;
    this.#log = log;
  }

  /** Starts it on free ports (below the ephemeral range) in a fresh temporary home. */
  static async start(log: (line: string) => void): Promise<OwnBroker> {
    const broker = new OwnBroker(await ownBrokerConfig(mkdtempSync(join(tmpdir(), 'kst-it-own-broker-'))), log);
    try {
      await up(broker.config, ['kafka'], (line) => log(`[own broker] ${line}`));
      await broker.#warmUpGroupCoordinator();
    } catch (error) {
      await broker.close();
      throw error;
    }
    return broker;
  }

  /**
   * A fresh cluster has no `__consumer_offsets` yet: the first group requests answer
   * NOT_COORDINATOR while it is created. Many members joining at that moment have hung
   * (some never left REBALANCING), which is not what the chaos test is about: commit one
   * group offset first, so the coordinator is in place when the services join.
   */
  async #warmUpGroupCoordinator(): Promise<void> {
    const admin = new KafkaAdmin(clientConfig(this.bootstrap, 'own-broker-warm-up'));
    const deadline = Date.now() + 90_000;
    try {
      await admin.createTopics([{ name: 'own-broker-warm-up', partitions: 1 }], { ifNotExists: true });
      for (;;) {
        try {
          await admin.alterGroupOffsets('own-broker-warm-up', [{ topic: 'own-broker-warm-up', partition: 0, offset: 0n }]);
          return;
        } catch (error) {
          if (Date.now() > deadline) throw new Error(`the own broker's group coordinator did not answer within 90 s: ${String(error)}`, { cause: error });
          await new Promise((resolve) => setTimeout(resolve, 500));
        }
      }
    } finally {
      await admin.close().catch(() => undefined);
    }
  }

  get bootstrap(): string {
    return endpoints(this.config).kafkaBootstrap;
  }

  /** Its pid now (from its PID record). */
  pid(): number {
    const record = readRecord(this.config.home, 'kafka');
    if (record === undefined) throw new Error(`the own broker has no PID record in ${this.config.home}`);
    return record.pid;
  }

  /** SIGKILL (a crash: no controlled shutdown), `outageMs` down, then up again on the same data; resolves with both pids. */
  async restart(outageMs = 0): Promise<{ readonly before: number; readonly after: number }> {
    const before = this.pid();
    process.kill(before, 'SIGKILL');
    if (!(await waitForExit(before, 30_000))) throw new Error(`the own broker (pid ${before}) did not exit within 30 s of SIGKILL`);
    this.#log(`[own broker] SIGKILLed (pid ${before})`);
    await new Promise((resolve) => setTimeout(resolve, outageMs));
    // The dead broker's sockets can hold its ports a moment after it is gone.
    const ports = [this.config['kafka.port'], this.config['kafka.controller.port'], this.config['kafka.sasl.port']];
    const deadline = Date.now() + 60_000;
    for (;;) {
      const free = await Promise.all(ports.map((port) => isPortFree(this.config.host, port)));
      if (free.every(Boolean)) break;
      if (Date.now() > deadline) throw new Error(`the own broker's ports ${ports.join(', ')} were not free within 60 s of its SIGKILL`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await up(this.config, ['kafka'], (line) => this.#log(`[own broker] ${line}`));
    return { before, after: this.pid() };
  }

  /** Stops it and removes its home, unless `keepHome` (a failed run's logs and partitions, for the post-mortem). */
  async close(options: { readonly keepHome?: boolean } = {}): Promise<void> {
    await down(this.config, ['kafka']).catch((error: unknown) => this.#log(`stopping the own broker failed: ${String(error)}`));
    if (options.keepHome === true) this.#log(`[own broker] stopped; its home (logs, partitions) kept in ${this.config.home}`);
    else rmSync(this.config.home, { recursive: true, force: true });
  }
}
