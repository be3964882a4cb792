/**
 * The bytes of a timestamped store's value, as Kafka Streams' `ValueAndTimestampSerde`:
 * the record timestamp as an 8-byte big-endian signed integer, then the value's own bytes.
 *
 * @example
 * ```ts
 * const serde = valueAndTimestampSerde(Serdes.Long());
 * const bytes = serde.serialize('app-counts-changelog', { value: 3, timestamp: 1_700_000_000_000 });
 * serde.deserialize('app-counts-changelog', bytes); // { value: 3, timestamp: 1700000000000 }
 * ```
 */

import { deserializeError, type Serde } from '../../schemas/serdes/serde.ts';
import type { ValueAndTimestamp } from '../api/timestamped.ts';

export const TIMESTAMP_BYTES = 8;

const TWO_32 = 2 ** 32;

/** Reads the timestamp prefix; millisecond timestamps are safe integers, so two 32-bit halves suffice. */
export function readTimestamp(bytes: Buffer): number {
  return bytes.readInt32BE(0) * TWO_32 + bytes.readUInt32BE(4);
}

/** The value bytes with an 8-byte timestamp in front. */
export function withTimestamp(value: Buffer, timestamp: number): Buffer {
  const bytes = Buffer.allocUnsafe(TIMESTAMP_BYTES + value.length);
  const high = Math.floor(timestamp / TWO_32);
  bytes.writeInt32BE(high, 0);
  bytes.writeUInt32BE(timestamp - high * TWO_32, 4);
  value.copy(bytes, TIMESTAMP_BYTES);
  return bytes;
}

export function valueAndTimestampSerde<V>(valueSerde: Serde<V>): Serde<ValueAndTimestamp<V>> {
  return {
    serialize(topic, value, headers) {
      if (value === null || value === undefined) return null;
      const bytes = valueSerde.serialize(topic, value.value, headers);
      return bytes === null ? null : withTimestamp(bytes, value.timestamp);
    },
    deserialize(topic, bytes, headers) {
      if (bytes === null) return null;
      if (bytes.length < TIMESTAMP_BYTES) throw deserializeError(topic, bytes, `a timestamped value needs at least ${TIMESTAMP_BYTES} bytes`);
      const value = valueSerde.deserialize(topic, bytes.subarray(TIMESTAMP_BYTES), headers);
      return value === null ? null : { value, timestamp: readTimestamp(bytes) };
    },
  };
}
