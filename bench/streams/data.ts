/**
 * The benchmark's input: one topic, written once per run with our adapter's producer,
 * read by every contender. Keys are drawn uniformly from a fixed vocabulary of distinct
 * pseudo-words (so `groupByKey().count()` has that many keys to keep); each value starts
 * with a uniformly random digit, which is what the stateless case filters on (even digit
 * kept, so about half passes) before upper-casing the value. The Java program
 * (`bench/java/StreamsBench.java`) and our child (`ours-child.ts`) apply the same
 * predicate and mapper; they are written out twice, once per language, on purpose.
 *
 * Record timestamps are set, not left to the producer: record i gets `start + i`
 * milliseconds, so the input spans `records` ms of event time (1,000,000 records: 16.7
 * minutes, 17 one-minute windows for the windowed case), rising within every partition.
 * `start` lies that far in the past, because brokers reject timestamps more than an
 * hour ahead (`log.message.timestamp.after.max.ms`).
 *
 * The join case's table (`generateTable`) has one row per key of the same vocabulary,
 * written with the same partitioner and partition count as the input (co-partitioned),
 * every row stamped one millisecond before the input's first record.
 *
 * Deterministic (seeded PRNG): the same settings give the same keys, values and order.
 */

import { seededRandom } from '../../common/seeded-random.ts';
import { KafkaAdmin, KafkaProducer, kafkaClientConfig, type ProducerRecord } from '../../processors/kafka/index.ts';

const CONSONANTS = 'bcdfghjklmnprstvwz';
const VOWELS = 'aeiou';

/** `count` distinct lower-case pseudo-words of 2 to 4 syllables ("kotame", "rulisabo"). */
export function vocabulary(count: number, seed = 7): string[] {
  const random = seededRandom(seed);
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
  /** Timestamp of the first and the last record (milliseconds since the epoch). */
  readonly firstTimestamp: number;
  readonly lastTimestamp: number;
  /** Mean serialized value size in bytes (the perf producer writes values of this size). */
  readonly valueBytes: number;
  readonly keyBytes: number;
  /** How many values pass the stateless filter (for a sanity check of the outputs). */
  readonly kept: number;
  readonly seconds: number;
}

const BATCH = 50_000;
/** Event time between consecutive input records. */
export const EVENT_TIME_STEP_MS = 1;

/**
 * Creates the input topic and fills it. Batches go out one after the other, so timestamps
 * rise within every partition: the producer sends a batch's requests for different
 * partitions at once and a partition's in order, but two batches in flight together
 * would interleave a partition's records (and the windowed count would drop the ones that
 * arrive later than its grace).
 */
export async function generateInput(spec: InputSpec): Promise<InputSummary> {
  const client = kafkaClientConfig.parse({ 'bootstrap.servers': spec.bootstrap, 'client.id': 'bench-generator' });
  const admin = new KafkaAdmin(client);
  const producer = new KafkaProducer(client);
  const words = vocabulary(spec.keys).map((word) => ({ word, bytes: Buffer.from(word) }));
  const random = seededRandom(42);
  let valueBytes = 0;
  let keyBytes = 0;
  let kept = 0;
  // A minute's margin so the last record, too, lies in the past when it reaches the broker.
  const firstTimestamp = Date.now() - spec.records * EVENT_TIME_STEP_MS - 60_000;
  const started = performance.now();
  try {
    await admin.createTopics([{ name: spec.topic, partitions: spec.partitions }]);
    for (let offset = 0; offset < spec.records; offset += BATCH) {
      const records: ProducerRecord[] = [];
      for (let i = offset; i < Math.min(offset + BATCH, spec.records); i++) {
        const key = words[Math.floor(random() * words.length)] as { word: string; bytes: Buffer };
        const digit = Math.floor(random() * 10);
        const value = `${digit}:${key.word}:${i.toString(36)}`;
        if (keep(value)) kept++;
        valueBytes += value.length;
        keyBytes += key.bytes.length;
        records.push({ topic: spec.topic, key: key.bytes, value: Buffer.from(value), timestamp: BigInt(firstTimestamp + i * EVENT_TIME_STEP_MS) });
      }
      await producer.send(records);
    }
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
    firstTimestamp,
    lastTimestamp: firstTimestamp + (spec.records - 1) * EVENT_TIME_STEP_MS,
  };
}

/** The join case's table value for a key. */
export function tableRow(word: string): string {
  return `row:${word}`;
}

/** The stream-table join's value joiner, written out again in `StreamsBench.java`. */
export function joinValues(value: string, row: string): string {
  return `${value}|${row}`;
}

export interface TableSpec {
  readonly bootstrap: string;
  readonly topic: string;
  readonly partitions: number;
  readonly keys: number;
  /** Every row gets this timestamp: before the input's first record. */
  readonly timestamp: number;
}

/**
 * Creates the join case's table topic: one row per key of the input's vocabulary,
 * partitioned by the same producer partitioner (murmur2 of the key) over the same
 * partition count, so each task finds the rows of its keys in its own table partition.
 */
export async function generateTable(spec: TableSpec): Promise<{ readonly rows: number; readonly seconds: number }> {
  const client = kafkaClientConfig.parse({ 'bootstrap.servers': spec.bootstrap, 'client.id': 'bench-table-generator' });
  const admin = new KafkaAdmin(client);
  const producer = new KafkaProducer(client);
  const started = performance.now();
  try {
    await admin.createTopics([{ name: spec.topic, partitions: spec.partitions }]);
    const timestamp = BigInt(spec.timestamp);
    const records: ProducerRecord[] = vocabulary(spec.keys).map((word) => ({ topic: spec.topic, key: Buffer.from(word), value: Buffer.from(tableRow(word)), timestamp }));
    for (let from = 0; from < records.length; from += BATCH) await producer.send(records.slice(from, from + BATCH));
  } finally {
    await producer.close();
    await admin.close();
  }
  return { rows: spec.keys, seconds: (performance.now() - started) / 1000 };
}
