/**
 * `Serdes`, the factory of built-in serdes, named after Kafka Streams' `Serdes` class so
 * that topology code reads the same (`Serdes.String()`, `Serdes.Long()`). A frozen object
 * of functions rather than a TS namespace: namespaces are not erasable syntax.
 *
 * Avro is not here: it needs an awaited registry step, so it is created with
 * `await AvroSerde.create(registry, ...)` (see `avro.ts`).
 */

import { bytesSerde } from './bytes.ts';
import { jsonSerde, type JsonSerdeOptions } from './json.ts';
import { bigLongSerde, doubleSerde, integerSerde, longSerde } from './numbers.ts';
import type { Serde } from './serde.ts';
import { stringSerde } from './string.ts';

/**
 * @example
 * ```ts
 * builder.stream('orders.commands', { key: Serdes.String(), value: Serdes.JSON<CreateOrder>() });
 * counts.toStream().to('orders.counts', { key: Serdes.String(), value: Serdes.Long() });
 * ```
 */
export const Serdes = Object.freeze({
  /** UTF-8 text; malformed bytes are an error. */
  String: (): Serde<string> => stringSerde(),
  /** JSON as UTF-8, optionally validated. */
  JSON: <T>(options?: JsonSerdeOptions<T>): Serde<T> => jsonSerde<T>(options),
  /** Buffers passed through unchanged. */
  Bytes: (): Serde<Buffer> => bytesSerde(),
  /** 4-byte big-endian signed integers (Kafka `IntegerSerde`). */
  Integer: (): Serde<number> => integerSerde(),
  /** 8-byte big-endian signed integers as safe JS numbers (Kafka `LongSerde`). */
  Long: (): Serde<number> => longSerde(),
  /** 8-byte big-endian signed integers as `bigint`. */
  BigLong: (): Serde<bigint> => bigLongSerde(),
  /** 8-byte IEEE 754 doubles (Kafka `DoubleSerde`). */
  Double: (): Serde<number> => doubleSerde(),
});
