/**
 * Checks a contender's output after its run, the same way for both engines: a fast run
 * that skipped work (a join that dropped records, counts that miss updates) must not pass
 * as a fast run. The output topic is read read_committed from the start to its end
 * (the last stable offset), so transaction markers and aborted writes do not count.
 *
 *   - filter-map: exactly the input records that pass the filter;
 *   - count and window: the last value of every (windowed) key sums to the input size
 *     (no input record is late in the windowed case: timestamps rise in each partition);
 *   - join: one output record per input record (every key has a row), each joined with
 *     its own key's row.
 */

import { PartitionReader, kafkaClientConfig, type KafkaRecord } from '../../processors/kafka/index.ts';
import { tableRow } from './data.ts';
import type { TopologyCase } from './settings.ts';

export interface OutputCheck {
  readonly ok: boolean;
  /** Data records in the output (markers and aborted records left out). */
  readonly records: number;
  readonly detail: string;
  /**
   * Gaps in the offsets of data records, summed over partitions: under exactly-once each
   * is a transaction marker (or aborted data), so per partition it counts the transactions
   * that wrote there — how often the engine's commits carried output.
   */
  readonly offsetGaps: number;
}

export interface OutputCheckSpec {
  readonly bootstrap: string;
  readonly topic: string;
  readonly partitions: number;
  readonly topology: TopologyCase;
  readonly inputRecords: number;
  /** Input records that pass the filter-map case's filter. */
  readonly kept: number;
  readonly timeoutMs: number;
}

/** Reads every committed record of the topic and checks it against what the case must write. */
export async function checkOutput(spec: OutputCheckSpec): Promise<OutputCheck> {
  const reader = new PartitionReader(kafkaClientConfig.parse({ 'bootstrap.servers': spec.bootstrap, 'client.id': 'bench-output-check' }), { isolation: 'read_committed', maxWaitMs: 100 });
  const partitions = Array.from({ length: spec.partitions }, (_, partition) => ({ topic: spec.topic, partition }));
  const check = startCheck(spec);
  try {
    const ends = await reader.endOffsets(partitions);
    reader.assign(partitions.map((tp) => ({ ...tp, offset: 'earliest' as const })));
    const deadline = Date.now() + spec.timeoutMs;
    const done = (): boolean => ends.every((end) => (reader.position(end) ?? -1n) >= end.offset);
    while (!done()) {
      if (Date.now() > deadline) return { ok: false, records: check.records, detail: `output not read to its end within ${spec.timeoutMs} ms`, offsetGaps: 0 };
      for (const record of await reader.poll()) check.add(record);
    }
  } finally {
    await reader.close();
  }
  return check.result();
}

interface Check {
  readonly records: number;
  add(record: KafkaRecord): void;
  result(): OutputCheck;
}

function startCheck(spec: OutputCheckSpec): Check {
  let records = 0;
  let wrong = 0;
  let example = '';
  const latest = new Map<string, bigint>();
  const lastOffsets = new Map<number, bigint>();
  let gaps = 0;
  const verdict = (ok: boolean, detail: string): OutputCheck => ({ ok, records, detail, offsetGaps: gaps });
  return {
    get records() {
      return records;
    },
    add(record) {
      records++;
      const last = lastOffsets.get(record.partition);
      if (last !== undefined && record.offset !== last + 1n) gaps++;
      lastOffsets.set(record.partition, record.offset);
      if (spec.topology === 'count' || spec.topology === 'window') {
        // Windowed keys carry the window start after the key bytes: one entry per window.
        if (record.key !== null && record.value !== null) latest.set(record.key.toString('latin1'), record.value.readBigInt64BE(0));
      } else if (spec.topology === 'join') {
        const key = record.key?.toString('utf8') ?? '';
        const value = record.value?.toString('utf8') ?? '';
        if (!value.endsWith(`|${tableRow(key)}`)) {
          wrong++;
          example ||= `${key} → ${value}`;
        }
      }
    },
    result() {
      switch (spec.topology) {
        case 'filter-map':
          return verdict(records === spec.kept, `${records} records, expected ${spec.kept}`);
        case 'join':
          return verdict(records === spec.inputRecords && wrong === 0, `${records} joined of ${spec.inputRecords} input records${wrong > 0 ? `, ${wrong} with another key's row (${example})` : ''}`);
        default: {
          let sum = 0n;
          for (const count of latest.values()) sum += count;
          return verdict(sum === BigInt(spec.inputRecords), `last counts of ${latest.size} ${spec.topology === 'window' ? 'windowed ' : ''}keys sum to ${sum}, expected ${spec.inputRecords} (${records} updates)`);
        }
      }
    },
  };
}
