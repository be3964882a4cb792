/**
 * What the windowed-aggregation tests share: a builder with string serdes and in-memory
 * stores, a driver over it, and readers that print windowed output compactly
 * (`a@[0,10)=2`), so expectations read like Kafka's documentation tables.
 */
import { TopologyTestDriver } from '../../../../processors/testing/index.ts';
import { Serdes } from '../../../../schemas/serdes/serdes.ts';
import type { Serde } from '../../../../schemas/serdes/serde.ts';
import { StreamsBuilder, WindowedSerdes, type Windowed } from '../../../../processors/dsl/index.ts';

export const S = Serdes.String();
export const L = Serdes.Long();

export function builder(): StreamsBuilder {
  return new StreamsBuilder({ defaultKeySerde: S, defaultValueSerde: S, defaultDslStore: 'in_memory' });
}

export function driverOf(b: StreamsBuilder, commitEveryRecord = true): TopologyTestDriver {
  return new TopologyTestDriver(b.build(), { initialWallClockTimeMs: 0, commitEveryRecord });
}

/** Pipes `[key, value, timestamp]` records into `input`. */
export async function pipe(driver: TopologyTestDriver, records: readonly (readonly [string, string, number])[], input = 'input'): Promise<void> {
  const topic = driver.createInputTopic(input, S, S);
  for (const [key, value, timestamp] of records) await topic.pipeInput(key, value, timestamp);
}

/** `key@[start,end)=value`, or `]` for windows whose end is inclusive; `null` for a tombstone. */
export function show<V>(key: Windowed<string> | null, value: V | null, inclusive = false): string {
  if (key === null) return `null=${String(value)}`;
  return `${key.key}@[${key.window.start},${key.window.end}${inclusive ? ']' : ')'}=${value === null ? 'null' : String(value)}`;
}

/** Reads what a time-windowed table wrote to `topic`. */
export function readTimeWindowed<V>(driver: TopologyTestDriver, topic: string, sizeMs: number, valueSerde: Serde<V>, inclusive = false): string[] {
  const keySerde = WindowedSerdes.timeWindowedSerdeFrom(S, sizeMs);
  return driver.createOutputTopic(topic, keySerde, valueSerde).readKeyValuesToList().map((r) => show(r.key, r.value, inclusive));
}

export function readSessions<V>(driver: TopologyTestDriver, topic: string, valueSerde: Serde<V>): string[] {
  const keySerde = WindowedSerdes.sessionWindowedSerdeFrom(S);
  return driver.createOutputTopic(topic, keySerde, valueSerde).readKeyValuesToList().map((r) => show(r.key, r.value, true));
}
