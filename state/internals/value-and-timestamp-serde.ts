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

import { longSerde } from '../../schemas/serdes/numbers.ts';
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
  writeInt64(bytes, timestamp, 0);
  value.copy(bytes, TIMESTAMP_BYTES);
  return bytes;
}

/** Below 2^21 in magnitude, the high half of an int64 makes a safe integer with any low half. */
const SAFE_HIGH = 2 ** 21;

function writeInt64(bytes: Buffer, value: number, offset: number): void {
  const high = Math.floor(value / TWO_32);
  bytes.writeInt32BE(high, offset);
  bytes.writeUInt32BE(value - high * TWO_32, offset + 4);
}

/**
 * Counts and sums (`Serdes.Long()`) are the common aggregate: their timestamped bytes are
 * written into one buffer and read without a subarray or a BigInt, the same bytes the
 * general path makes. Values the general path would refuse (not a safe integer, a wrong
 * length) are left to it, so its errors stay as they are.
 */
function timestampedLongSerde(general: Serde<ValueAndTimestamp<number>>): Serde<ValueAndTimestamp<number>> {
  return {
    serialize(topic, value, headers) {
      if (value === null || value === undefined || !Number.isSafeInteger(value.value)) return general.serialize(topic, value, headers);
      const bytes = Buffer.allocUnsafe(TIMESTAMP_BYTES + 8);
      writeInt64(bytes, value.timestamp, 0);
      writeInt64(bytes, value.value, TIMESTAMP_BYTES);
      return bytes;
    },
    deserialize(topic, bytes, headers) {
      if (bytes === null || bytes.length !== TIMESTAMP_BYTES + 8) return general.deserialize(topic, bytes, headers);
      const high = bytes.readInt32BE(TIMESTAMP_BYTES);
      if (high >= SAFE_HIGH || high <= -SAFE_HIGH) return general.deserialize(topic, bytes, headers);
      return { value: high * TWO_32 + bytes.readUInt32BE(TIMESTAMP_BYTES + 4), timestamp: readTimestamp(bytes) };
    },
  };
}

export function valueAndTimestampSerde<V>(valueSerde: Serde<V>): Serde<ValueAndTimestamp<V>> {
  const general = generalSerde(valueSerde);
  // The cast is sound: the branch is taken only when V is number.
  return (valueSerde as Serde<unknown>) === longSerde() ? (timestampedLongSerde(general as Serde<ValueAndTimestamp<number>>) as unknown as Serde<ValueAndTimestamp<V>>) : general;
}

function generalSerde<V>(valueSerde: Serde<V>): Serde<ValueAndTimestamp<V>> {
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
