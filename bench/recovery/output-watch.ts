/**
 * Reads the recovery benchmark's output topic, read_committed, as the outside world sees
 * it: a record counts when its transaction has committed. Each value is
 * "<instance>#<incarnation>:<count>" (see `marker.ts`), so the watch knows which process
 * wrote each partition last, and when a restarted instance's output shows up again.
 *
 * Resumption, for one kill: the partitions the victim wrote last before the kill are its
 * tasks; each of them has resumed at the first committed record that arrives after the
 * kill from the victim's new incarnation (or from another instance, had the task moved).
 */

import { randomUUID } from 'node:crypto';
import { allMembersRangeAssignor, KafkaConsumer, kafkaClientConfig, kafkaConsumerConfig } from '../../processors/kafka/index.ts';
import { parseOutputValue, type Marker } from './marker.ts';

export interface KillWatch {
  readonly victim: string;
  readonly killedAt: number;
  /** Incarnations of the victim from this one on are new. */
  readonly newIncarnation: number;
  /** Output partitions the victim wrote last before the kill. */
  readonly owned: ReadonlySet<number>;
  /** performance.now() of the first resuming record, per owned partition. */
  readonly resumedAt: Map<number, number>;
  /** The first record of the victim's new incarnation on any partition. */
  firstNewOutputAt: number | undefined;
}

export class OutputWatch {
  /** The last committed count per key. */
  readonly lastCount = new Map<string, number>();
  /** Who wrote each partition last. */
  readonly lastWriter = new Map<number, Marker>();
  /** Records that were not "<marker>:<count>". */
  malformed = 0;
  records = 0;
  #watch: KillWatch | undefined;
  #open = true;
  #failure: unknown;
  readonly #consumer: KafkaConsumer;
  readonly #loop: Promise<void>;

  constructor(bootstrap: string, topic: string) {
    this.#consumer = new KafkaConsumer(kafkaClientConfig.parse({ 'bootstrap.servers': bootstrap, 'client.id': 'bench-recovery-watch' }), kafkaConsumerConfig.parse({
      'group.id': `bench-recovery-watch-${randomUUID()}`,
      'isolation.level': 'read_committed',
      'auto.offset.reset': 'earliest',
      // Short waits: the arrival time ends the measured interval.
      'fetch.max.wait.ms': 20,
      'session.timeout.ms': 10_000,
      'heartbeat.interval.ms': 1_000,
    }), { assignor: allMembersRangeAssignor(() => Buffer.alloc(0)) });
    this.#consumer.subscribe([topic]);
    this.#loop = this.#run().catch((error: unknown) => {
      this.#failure = error;
    });
  }

  async #run(): Promise<void> {
    while (this.#open) {
      const batch = await this.#consumer.poll();
      const at = performance.now();
      for (const record of batch.records) {
        const parsed = record.value === null ? undefined : parseOutputValue(record.value.toString('utf8'));
        if (parsed === undefined || record.key === null) {
          this.malformed++;
          continue;
        }
        this.records++;
        this.lastCount.set(record.key.toString('utf8'), parsed.count);
        this.lastWriter.set(record.partition, parsed.marker);
        this.#observe(record.partition, parsed.marker, at);
      }
    }
  }

  #observe(partition: number, marker: Marker, at: number): void {
    const watch = this.#watch;
    if (watch === undefined || at <= watch.killedAt) return;
    const fromVictim = marker.instance === watch.victim;
    const isNew = !fromVictim || marker.incarnation >= watch.newIncarnation;
    if (fromVictim && isNew && watch.firstNewOutputAt === undefined) watch.firstNewOutputAt = at;
    if (isNew && watch.owned.has(partition) && !watch.resumedAt.has(partition)) watch.resumedAt.set(partition, at);
  }

  /** Partitions whose last committed record came from `instance` (any incarnation). */
  partitionsOf(instance: string): Set<number> {
    return new Set([...this.lastWriter].filter(([, marker]) => marker.instance === instance).map(([partition]) => partition));
  }

  /** Starts watching for the resumption after a kill of `victim` at `killedAt`. */
  watchKill(victim: string, killedAt: number, newIncarnation: number): KillWatch {
    const watch: KillWatch = { victim, killedAt, newIncarnation, owned: this.partitionsOf(victim), resumedAt: new Map(), firstNewOutputAt: undefined };
    this.#watch = watch;
    return watch;
  }

  /** Throws what stopped the reading loop, if anything did. */
  check(): void {
    if (this.#failure !== undefined) throw new Error(`the output reader failed: ${(this.#failure as Error).message}`);
  }

  async close(): Promise<void> {
    this.#open = false;
    await this.#loop;
    await this.#consumer.close();
    this.check();
  }
}
