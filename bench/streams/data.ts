/**
 * The benchmark's input: one topic, written once per run with our adapter's producer,
 * read by every contender. Keys are drawn uniformly from a fixed vocabulary of distinct
 * pseudo-words (so `groupByKey().count()` has that many keys to keep); each value starts
 * with a uniformly random digit, which is what the stateless case filters on (even digit
 * kept, so about half passes) before upper-casing the value. The Java program
 * (`bench/java/StreamsBench.java`) and our child (`ours-child.ts`) apply the same
 * predicate and mapper; they are written out twice, once per language, on purpose.
 *
 * Deterministic (seeded PRNG): the same settings give the same topic contents.
 */

import { KafkaAdmin, KafkaProducer, kafkaClientConfig, type ProducerRecord } from '../../processors/kafka/index.ts';

/** mulberry32: tiny, fast and good enough to spread keys and digits. */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CONSONANTS = 'bcdfghjklmnprstvwz';
const VOWELS = 'aeiou';

/** `count` distinct lower-case pseudo-words of 2 to 4 syllables ("kotame", "rulisabo"). */
export function vocabulary(count: number, seed = 7): string[] {
  const random = prng(seed);
  const pick = (letters: string): string => letters[Math.floor(random() * letters.length)] as string;
  const words = new Set<string>();
  while (words.size < count) {
    const syllables = 2 + Math.floor(random() * 3);
    let word = '';
    for (let i = 0; i < syllables; i++) word += pick(CONSONANTS) + pick(VOWELS);
    words.add(word);
  }
  return [...words];
}

/** The stateless case's predicate: keep values whose first character is an even digit. */
export function keep(value: string): boolean {
  return value.charCodeAt(0) % 2 === 0;
}

/** The stateless case's mapper. */
export function transform(value: string): string {
  return value.toUpperCase();
}

export interface InputSpec {
  readonly bootstrap: string;
  readonly topic: string;
  readonly records: number;
  readonly partitions: number;
  readonly keys: number;
}

export interface InputSummary {
  readonly records: number;
  /** Mean serialized value size in bytes (the perf producer writes values of this size). */
  readonly valueBytes: number;
  readonly keyBytes: number;
  /** How many values pass the stateless filter (for a sanity check of the outputs). */
  readonly kept: number;
  readonly seconds: number;
}

const BATCH = 10_000;
const IN_FLIGHT = 4;

/**
 * Creates the input topic and fills it. Batches go out a few at a time so the producer
 * has work queued while the broker acknowledges; ordering across batches does not
 * matter to any contender.
 */
export async function generateInput(spec: InputSpec): Promise<InputSummary> {
  const client = kafkaClientConfig.parse({ 'bootstrap.servers': spec.bootstrap, 'client.id': 'bench-generator' });
  const admin = new KafkaAdmin(client);
  const producer = new KafkaProducer(client);
  const words = vocabulary(spec.keys).map((word) => ({ word, bytes: Buffer.from(word) }));
  const random = prng(42);
  let valueBytes = 0;
  let keyBytes = 0;
  let kept = 0;
  const started = performance.now();
  try {
    await admin.createTopics([{ name: spec.topic, partitions: spec.partitions }]);
    const pending = new Set<Promise<unknown>>();
    for (let offset = 0; offset < spec.records; offset += BATCH) {
      const records: ProducerRecord[] = [];
      for (let i = offset; i < Math.min(offset + BATCH, spec.records); i++) {
        const key = words[Math.floor(random() * words.length)] as { word: string; bytes: Buffer };
        const digit = Math.floor(random() * 10);
        const value = `${digit}:${key.word}:${i.toString(36)}`;
        if (keep(value)) kept++;
        valueBytes += value.length;
        keyBytes += key.bytes.length;
        records.push({ topic: spec.topic, key: key.bytes, value: Buffer.from(value) });
      }
      const sent = producer.send(records);
      pending.add(sent);
      void sent.finally(() => pending.delete(sent)).catch(() => undefined);
      if (pending.size >= IN_FLIGHT) await Promise.race(pending);
    }
    await Promise.all(pending);
  } finally {
    await producer.close();
    await admin.close();
  }
  return {
    records: spec.records,
    valueBytes: valueBytes / spec.records,
    keyBytes: keyBytes / spec.records,
    kept,
    seconds: (performance.now() - started) / 1000,
  };
}
