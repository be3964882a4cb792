/**
 * Source connector offsets in the offsets topic (`offset.storage.topic`), in Kafka
 * Connect's format, so the topic reads the same to Connect's tools: the key is the JSON
 * array `["<connector>", {<source partition>}]`, the value the JSON offset map, a null
 * value (tombstone) removes the partition's offset. Every worker follows the whole topic,
 * so a task that moves resumes from the offsets its previous owner stored.
 *
 * Partition maps are compared canonically (keys sorted), since Connect's Java maps write
 * their keys in no fixed order.
 */

import type { KafkaRecord } from '../../processors/kafka/index.ts';
import type { SourceMap } from '../api/source.ts';
import type { KafkaLog } from './kafka-log.ts';

export interface SourceOffsetEntry {
  readonly partition: SourceMap;
  /** null removes the offset. */
  readonly offset: SourceMap | null;
}

/** JSON with object keys sorted at every level: one spelling per partition map. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** The offsets topic key of a connector's source partition, as Connect writes it. */
export function offsetKey(connector: string, partition: SourceMap): string {
  return canonicalJson([connector, partition]);
}

/**
 * @example
 * ```ts
 * const offsets = new OffsetStore();
 * offsets.attach(offsetLog); // a KafkaLog over offset.storage.topic whose onRecord is offsets.apply
 * await offsets.write('templates-pg', [{ partition: { table: 'shop.public.t' }, offset: { incrementing: 4 } }]);
 * offsets.offset('templates-pg', { table: 'shop.public.t' }); // { incrementing: 4 } once read back
 * ```
 */
export class OffsetStore {
  /** connector → canonical partition → entry. */
  readonly #offsets = new Map<string, Map<string, { partition: SourceMap; offset: SourceMap }>>();
  #log: KafkaLog | null = null;

  attach(log: KafkaLog): void {
    this.#log = log;
  }

  /** Applies one record of the offsets topic; records not in Connect's key format are ignored. */
  apply(record: KafkaRecord): void {
    if (record.key === null) return;
    let key: unknown;
    let value: unknown = null;
    try {
      key = JSON.parse(record.key.toString('utf8'));
      if (record.value !== null) value = JSON.parse(record.value.toString('utf8'));
    } catch {
      return;
    }
    if (!Array.isArray(key) || key.length !== 2 || typeof key[0] !== 'string' || key[1] === null || typeof key[1] !== 'object') return;
    const [connector, partition] = key as [string, SourceMap];
    const partitions = this.#offsets.get(connector) ?? new Map<string, { partition: SourceMap; offset: SourceMap }>();
    const id = canonicalJson(partition);
    if (value === null || typeof value !== 'object') partitions.delete(id);
    else partitions.set(id, { partition, offset: value as SourceMap });
    if (partitions.size === 0) this.#offsets.delete(connector);
    else this.#offsets.set(connector, partitions);
  }

  /** The offset last read back for a connector's source partition. */
  offset(connector: string, partition: SourceMap): SourceMap | null {
    return this.#offsets.get(connector)?.get(canonicalJson(partition))?.offset ?? null;
  }

  /** Every partition with an offset, for `GET /connectors/{name}/offsets`. */
  entries(connector: string): Array<{ partition: SourceMap; offset: SourceMap }> {
    return [...(this.#offsets.get(connector)?.values() ?? [])];
  }

  /** Writes offsets (null: a tombstone) and waits until they are read back. */
  async write(connector: string, entries: readonly SourceOffsetEntry[]): Promise<void> {
    const log = this.#log;
    if (log === null) throw new Error('the offset store has no log attached');
    for (const entry of entries) {
      await log.send(offsetKey(connector, entry.partition), entry.offset === null ? null : Buffer.from(canonicalJson(entry.offset), 'utf8'));
    }
    await log.readToEnd();
  }
}
