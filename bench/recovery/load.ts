/**
 * The recovery benchmark's input: a steady stream of keyed records (idempotent producer,
 * one batch every 100 ms, keys drawn uniformly from `keys` names), so every input
 * partition, and so every task, has new records at every commit. It counts what it sent
 * per key: the expected final count of each key, to check the output after the kills.
 *
 * @example
 * ```ts
 * const load = SteadyLoad.start({ bootstrap, topic, keys: 1_000, recordsPerSecond: 200 });
 * await load.stop();
 * load.sent.get('k17'); // records acknowledged for key k17
 * ```
 */

import { seededRandom } from '../../common/seeded-random.ts';
import { KafkaProducer, kafkaClientConfig, type ProducerRecord } from '../../processors/kafka/index.ts';

export interface LoadSpec {
  readonly bootstrap: string;
  readonly topic: string;
  readonly keys: number;
  readonly recordsPerSecond: number;
}

const TICK_MS = 100;
const PRELOAD_BATCH = 50_000;

/**
 * Writes one record for each of `keys` distinct keys (`p0`, `p1`, …) before the
 * instances start, so the store holds that many keys; returns them with their count (1)
 * for the output check.
 */
export async function preload(bootstrap: string, topic: string, keys: number): Promise<Map<string, number>> {
  const producer = new KafkaProducer(kafkaClientConfig.parse({ 'bootstrap.servers': bootstrap, 'client.id': 'bench-recovery-preload' }));
  const sent = new Map<string, number>();
  try {
    for (let first = 0; first < keys; first += PRELOAD_BATCH) {
      const records: ProducerRecord[] = [];
      for (let i = first; i < Math.min(first + PRELOAD_BATCH, keys); i++) records.push({ topic, key: Buffer.from(`p${i}`), value: Buffer.from('x') });
      await producer.send(records);
      for (const record of records) sent.set((record.key as Buffer).toString(), 1);
    }
  } finally {
    await producer.close();
  }
  return sent;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export class SteadyLoad {
  /** Records acknowledged by the broker, per key. */
  readonly sent = new Map<string, number>();
  /** Why the load stopped by itself (a send failed after the client's retries): the trial is void. */
  failure: string | undefined;
  #total = 0;
  #running = true;
  #stopped: Promise<void> | undefined;
  readonly #loop: Promise<void>;
  readonly #producer: KafkaProducer;

  private constructor(spec: LoadSpec) {
    this.#producer = new KafkaProducer(kafkaClientConfig.parse({ 'bootstrap.servers': spec.bootstrap, 'client.id': 'bench-recovery-load' }));
    this.#loop = this.#run(spec).catch((error: unknown) => {
      this.#running = false;
      this.failure = `the input producer failed: ${(error as Error).message}`;
    });
  }

  static start(spec: LoadSpec): SteadyLoad {
    return new SteadyLoad(spec);
  }

  get total(): number {
    return this.#total;
  }

  async #run(spec: LoadSpec): Promise<void> {
    const random = seededRandom(7);
    const perTick = Math.max(1, Math.round((spec.recordsPerSecond * TICK_MS) / 1000));
    let sequence = 0;
    let next = performance.now();
    while (this.#running) {
      const keys: string[] = [];
      const records: ProducerRecord[] = [];
      for (let i = 0; i < perTick; i++) {
        const key = `k${Math.floor(random() * spec.keys)}`;
        keys.push(key);
        records.push({ topic: spec.topic, key: Buffer.from(key), value: Buffer.from(`v${sequence++}`) });
      }
      await this.#producer.send(records);
      for (const key of keys) this.sent.set(key, (this.sent.get(key) ?? 0) + 1);
      this.#total += records.length;
      // A fixed schedule: a slow send is caught up by the next ticks, not lost from the rate.
      next += TICK_MS;
      await sleep(Math.max(0, next - performance.now()));
    }
  }

  /** Stops after the batch in flight; every record counted in `sent` was acknowledged. */
  stop(): Promise<void> {
    this.#running = false;
    this.#stopped ??= this.#loop.finally(() => this.#producer.close());
    return this.#stopped;
  }
}
