/**
 * JSON values encoded as UTF-8, as Kafka Connect's schemaless `JsonConverter` writes them.
 * `JSON.parse` alone cannot prove the bytes hold a `T`, so a `validate` function (a type
 * guard, or one that throws) may be given; without it the serde trusts the producer.
 */

import { deserializeError, reasonOf, serializeError, type Serde } from './serde.ts';

/**
 * Checks a parsed value. Return `true` to accept; return `false` or throw to reject (a thrown
 * error's message becomes the reason). A type guard narrows `unknown` to `T`.
 */
export type JsonValidator<T> = ((value: unknown) => value is T) | ((value: unknown) => boolean);

export interface JsonSerdeOptions<T> {
  /** Run on every deserialized value, and on serialized ones when `validateOnSerialize`. */
  readonly validate?: JsonValidator<T>;
  /** Also validate before writing; off by default because the compiler has checked `T`. */
  readonly validateOnSerialize?: boolean;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * A serde for JSON values typed `T`.
 *
 * @example
 * ```ts
 * interface OrderCreated { orderId: string; total: number }
 * const isOrderCreated = (v: unknown): v is OrderCreated =>
 *   typeof v === 'object' && v !== null && typeof (v as OrderCreated).orderId === 'string';
 * const serde = jsonSerde<OrderCreated>({ validate: isOrderCreated });
 * serde.deserialize('orders.events', Buffer.from('{"orderId":"o1","total":3}')); // { orderId: 'o1', total: 3 }
 * ```
 */
export function jsonSerde<T>(options: JsonSerdeOptions<T> = {}): Serde<T> {
  const { validate, validateOnSerialize = false } = options;
  return Object.freeze({
    serialize(topic: string, value: T | null): Buffer | null {
      if (value === null) return null;
      if (validate !== undefined && validateOnSerialize) {
        const rejection = check(validate, value);
        if (rejection !== undefined) throw serializeError(topic, `value failed validation: ${rejection.reason}`, rejection.cause);
      }
      let text: string | undefined;
      try {
        text = JSON.stringify(value);
      } catch (error) {
        // Cycles and BigInts land here.
        throw serializeError(topic, reasonOf(error), error);
      }
      // JSON.stringify returns undefined for undefined, functions and symbols: not JSON.
      if (text === undefined) throw serializeError(topic, `${typeof value} is not representable as JSON`);
      return Buffer.from(text, 'utf8');
    },
    deserialize(topic: string, bytes: Buffer | null): T | null {
      if (bytes === null) return null;
      let value: unknown;
      try {
        value = JSON.parse(decoder.decode(bytes));
      } catch (error) {
        throw deserializeError(topic, bytes, `not JSON: ${reasonOf(error)}`, error);
      }
      if (validate !== undefined) {
        const rejection = check(validate, value);
        if (rejection !== undefined) throw deserializeError(topic, bytes, `value failed validation: ${rejection.reason}`, rejection.cause);
      }
      return value as T;
    },
  });
}

function check<T>(validate: JsonValidator<T>, value: unknown): { reason: string; cause?: unknown } | undefined {
  try {
    return validate(value) ? undefined : { reason: 'validator returned false' };
  } catch (error) {
    return { reason: reasonOf(error), cause: error };
  }
}
