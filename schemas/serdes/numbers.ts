/**
 * Fixed-width big-endian numbers, byte-compatible with Kafka's `IntegerSerde` (4 bytes),
 * `LongSerde` (8 bytes) and `DoubleSerde` (8 bytes, IEEE 754), so counts written by a
 * Java Kafka Streams application read here and the other way round.
 *
 * A Java long does not fit a JS number: `longSerde` works on numbers and refuses values
 * outside ±(2^53 − 1) rather than rounding them (a rounded count is a wrong count);
 * `bigLongSerde` covers the whole range with `bigint`.
 */

import { deserializeError, serializeError, type Serde } from './serde.ts';

/**
 * 32-bit signed integers, as Kafka's `IntegerSerde`.
 *
 * @example
 * ```ts
 * integerSerde().serialize('t', 1); // <Buffer 00 00 00 01>
 * ```
 */
export function integerSerde(): Serde<number> {
  return INTEGER_SERDE;
}

/**
 * 64-bit signed integers as JS numbers, as Kafka's `LongSerde`; the value must be a safe
 * integer both ways.
 *
 * @example
 * ```ts
 * const counts = longSerde();
 * counts.deserialize('t', counts.serialize('t', 42)); // 42
 * ```
 */
export function longSerde(): Serde<number> {
  return LONG_SERDE;
}

/**
 * 64-bit signed integers as `bigint`, for values beyond 2^53 (ids, nanosecond clocks).
 *
 * @example
 * ```ts
 * bigLongSerde().serialize('t', 2n ** 60n); // <Buffer 10 00 00 00 00 00 00 00>
 * ```
 */
export function bigLongSerde(): Serde<bigint> {
  return BIG_LONG_SERDE;
}

/**
 * 64-bit IEEE 754 doubles, as Kafka's `DoubleSerde`.
 *
 * @example
 * ```ts
 * doubleSerde().deserialize('t', doubleSerde().serialize('t', 0.5)); // 0.5
 * ```
 */
export function doubleSerde(): Serde<number> {
  return DOUBLE_SERDE;
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function expectLength(topic: string, bytes: Buffer, size: number, name: string): void {
  if (bytes.length !== size) throw deserializeError(topic, bytes, `${name} needs exactly ${size} bytes`);
}

const INTEGER_SERDE: Serde<number> = Object.freeze({
  serialize(topic: string, value: number | null): Buffer | null {
    if (value === null) return null;
    if (!Number.isInteger(value) || value < INT32_MIN || value > INT32_MAX) {
      throw serializeError(topic, `${String(value)} is not a 32-bit signed integer`);
    }
    const bytes = Buffer.allocUnsafe(4);
    bytes.writeInt32BE(value, 0);
    return bytes;
  },
  deserialize(topic: string, bytes: Buffer | null): number | null {
    if (bytes === null) return null;
    expectLength(topic, bytes, 4, 'an int32');
    return bytes.readInt32BE(0);
  },
});

const LONG_SERDE: Serde<number> = Object.freeze({
  serialize(topic: string, value: number | null): Buffer | null {
    if (value === null) return null;
    if (!Number.isSafeInteger(value)) throw serializeError(topic, `${String(value)} is not a safe integer; use bigLongSerde for the full int64 range`);
    const bytes = Buffer.allocUnsafe(8);
    bytes.writeBigInt64BE(BigInt(value), 0);
    return bytes;
  },
  deserialize(topic: string, bytes: Buffer | null): number | null {
    if (bytes === null) return null;
    expectLength(topic, bytes, 8, 'an int64');
    const value = bytes.readBigInt64BE(0);
    if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
      throw deserializeError(topic, bytes, `${value} is beyond the safe integer range; use bigLongSerde`);
    }
    return Number(value);
  },
});

const BIG_LONG_SERDE: Serde<bigint> = Object.freeze({
  serialize(topic: string, value: bigint | null): Buffer | null {
    if (value === null) return null;
    if (typeof value !== 'bigint' || value < INT64_MIN || value > INT64_MAX) {
      throw serializeError(topic, `${String(value)} is not a 64-bit signed bigint`);
    }
    const bytes = Buffer.allocUnsafe(8);
    bytes.writeBigInt64BE(value, 0);
    return bytes;
  },
  deserialize(topic: string, bytes: Buffer | null): bigint | null {
    if (bytes === null) return null;
    expectLength(topic, bytes, 8, 'an int64');
    return bytes.readBigInt64BE(0);
  },
});

const DOUBLE_SERDE: Serde<number> = Object.freeze({
  serialize(topic: string, value: number | null): Buffer | null {
    if (value === null) return null;
    if (typeof value !== 'number') throw serializeError(topic, `expected a number, got ${typeof value}`);
    const bytes = Buffer.allocUnsafe(8);
    bytes.writeDoubleBE(value, 0);
    return bytes;
  },
  deserialize(topic: string, bytes: Buffer | null): number | null {
    if (bytes === null) return null;
    expectLength(topic, bytes, 8, 'a double');
    return bytes.readDoubleBE(0);
  },
});
