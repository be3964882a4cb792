/**
 * Raw bytes, as Kafka's `BytesSerde`: for pass-through topologies, dead-letter topics and
 * changelogs that copy records without reading them. No copy is made either way: records
 * are immutable once handed to the runtime, and copying every value would cost a
 * measurable share of a pass-through topology's throughput.
 */

import { serializeError, type Serde } from './serde.ts';

/**
 * A serde that hands `Buffer`s through unchanged.
 *
 * @example
 * ```ts
 * const serde = bytesSerde();
 * serde.serialize('t', Buffer.from([1, 2])); // the same Buffer
 * ```
 */
export function bytesSerde(): Serde<Buffer> {
  return BYTES_SERDE;
}

const BYTES_SERDE: Serde<Buffer> = Object.freeze({
  serialize(topic: string, value: Buffer | null): Buffer | null {
    if (value === null) return null;
    if (!Buffer.isBuffer(value)) throw serializeError(topic, `expected a Buffer, got ${typeof value}`);
    return value;
  },
  deserialize(_topic: string, bytes: Buffer | null): Buffer | null {
    return bytes;
  },
});
