/**
 * UTF-8 strings, as Kafka's `StringSerde`. Decoding is strict: Kafka's Java decoder
 * silently substitutes U+FFFD for malformed bytes, but here a key that does not decode
 * would silently become another key, so malformed input is a coded error instead.
 */

import { deserializeError, serializeError, type Serde } from './serde.ts';

// fatal: reject malformed UTF-8; ignoreBOM: a BOM is data in a Kafka record, keep it.
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * A serde for UTF-8 text.
 *
 * @example
 * ```ts
 * const serde = stringSerde();
 * serde.deserialize('t', serde.serialize('t', 'héllo')); // 'héllo'
 * ```
 */
export function stringSerde(): Serde<string> {
  return STRING_SERDE;
}

const STRING_SERDE: Serde<string> = Object.freeze({
  serialize(topic: string, value: string | null): Buffer | null {
    if (value === null) return null;
    if (typeof value !== 'string') throw serializeError(topic, `expected a string, got ${typeof value}`);
    return Buffer.from(value, 'utf8');
  },
  deserialize(topic: string, bytes: Buffer | null): string | null {
    if (bytes === null) return null;
    try {
      return decoder.decode(bytes);
    } catch (error) {
      throw deserializeError(topic, bytes, 'malformed UTF-8', error);
    }
  },
});
