/**
 * Serdes of windowed keys, byte for byte Kafka Streams' layouts, so a topic written here
 * reads with Kafka's `WindowedSerdes` and back:
 * - time windowed (`TimeWindowedSerializer`): the key's bytes, then the window start as an
 *   8-byte big-endian integer. The end is not written; the reader adds the window size.
 * - session windowed (`SessionWindowedSerializer`): the key's bytes, then the session end,
 *   then its start, each 8 bytes big-endian.
 *
 * @example
 * ```ts
 * const keySerde = WindowedSerdes.timeWindowedSerdeFrom(Serdes.String(), 60_000);
 * counts.toStream().to('counts-per-minute', Produced.with(keySerde, Serdes.Long()));
 * ```
 */

import { deserializeError, serializeError, type Serde, type SerdeHeaders } from '../../../schemas/serdes/serde.ts';
import type { Windowed } from '../../../state/api/windowed.ts';
import { checkDuration } from './durations.ts';

const LONG = 8;

function innerKey<K>(inner: Serde<K>, topic: string, value: Windowed<K>, headers: SerdeHeaders | undefined): Buffer {
  const bytes = inner.serialize(topic, value.key, headers);
  if (bytes === null) throw serializeError(topic, 'a windowed key needs a non-null key');
  return bytes;
}

function readKey<K>(inner: Serde<K>, topic: string, bytes: Buffer, headers: SerdeHeaders | undefined): K {
  const key = inner.deserialize(topic, bytes, headers);
  if (key === null) throw deserializeError(topic, bytes, 'the key of a windowed key is null');
  return key;
}

/**
 * A serde of windowed keys that can also write the key alone, as Kafka's
 * `WindowedSerializer.serializeBaseKey`: sinks partition windowed keys by it, so a
 * window's result lands in the partition of its key (`WindowedStreamPartitioner`).
 */
export interface WindowedSerde<K> extends Serde<Windowed<K>> {
  serializeBaseKey(topic: string, value: Windowed<K>, headers?: SerdeHeaders): Buffer;
}

export function isWindowedSerde(serde: Serde<unknown>): serde is WindowedSerde<unknown> {
  return typeof (serde as Partial<WindowedSerde<unknown>>).serializeBaseKey === 'function';
}

/** A windowed key of `key` in `[start, end)` (time windows) or `[start, end]` (sessions). */
export function windowed<K>(key: K, start: number, end: number): Windowed<K> {
  return { key, window: { start, end } };
}

export const WindowedSerdes = Object.freeze({
  /** Kafka's `WindowedSerdes.timeWindowedSerdeFrom(innerClass, windowSize)`. */
  timeWindowedSerdeFrom<K>(inner: Serde<K>, windowSizeMs: number): WindowedSerde<K> {
    const size = checkDuration(windowSizeMs, 'windowed serde window size', { positive: true });
    return Object.freeze({
      serializeBaseKey: (topic: string, value: Windowed<K>, headers?: SerdeHeaders): Buffer => innerKey(inner, topic, value, headers),
      serialize(topic: string, value: Windowed<K> | null, headers?: SerdeHeaders): Buffer | null {
        if (value === null) return null;
        const key = innerKey(inner, topic, value, headers);
        const out = Buffer.allocUnsafe(key.length + LONG);
        key.copy(out, 0);
        out.writeBigInt64BE(BigInt(value.window.start), key.length);
        return out;
      },
      deserialize(topic: string, bytes: Buffer | null, headers?: SerdeHeaders): Windowed<K> | null {
        if (bytes === null) return null;
        if (bytes.length < LONG) throw deserializeError(topic, bytes, 'a time-windowed key needs at least 8 bytes');
        const start = Number(bytes.readBigInt64BE(bytes.length - LONG));
        return windowed(readKey(inner, topic, bytes.subarray(0, bytes.length - LONG), headers), start, start + size);
      },
    });
  },

  /** Kafka's `WindowedSerdes.sessionWindowedSerdeFrom(innerClass)`. */
  sessionWindowedSerdeFrom<K>(inner: Serde<K>): WindowedSerde<K> {
    return Object.freeze({
      serializeBaseKey: (topic: string, value: Windowed<K>, headers?: SerdeHeaders): Buffer => innerKey(inner, topic, value, headers),
      serialize(topic: string, value: Windowed<K> | null, headers?: SerdeHeaders): Buffer | null {
        if (value === null) return null;
        const key = innerKey(inner, topic, value, headers);
        const out = Buffer.allocUnsafe(key.length + 2 * LONG);
        key.copy(out, 0);
        out.writeBigInt64BE(BigInt(value.window.end), key.length);
        out.writeBigInt64BE(BigInt(value.window.start), key.length + LONG);
        return out;
      },
      deserialize(topic: string, bytes: Buffer | null, headers?: SerdeHeaders): Windowed<K> | null {
        if (bytes === null) return null;
        if (bytes.length < 2 * LONG) throw deserializeError(topic, bytes, 'a session-windowed key needs at least 16 bytes');
        const keyLength = bytes.length - 2 * LONG;
        const end = Number(bytes.readBigInt64BE(keyLength));
        const start = Number(bytes.readBigInt64BE(keyLength + LONG));
        return windowed(readKey(inner, topic, bytes.subarray(0, keyLength), headers), start, end);
      },
    });
  },
});
