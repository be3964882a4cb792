/**
 * The shared store of a left or outer stream-stream join, as Kafka Streams' "outer join"
 * store of `TimestampedKeyAndJoinSide` → `LeftOrRightValue` (KIP-633's fix of spurious
 * results): records that found no partner wait here, ordered by timestamp, until their
 * window has closed (stream time beyond their window end plus grace), and only then leave
 * with null for the other side. A partner arriving in time deletes them instead.
 *
 * Key bytes: 8-byte big-endian timestamp, one side byte (0 left, 1 right), then the key's
 * bytes, so iteration is in time order. Value bytes: the side byte, then each buffered
 * value as a 4-byte length and its bytes (several records of one key and time may wait).
 */

import type { Serde } from '../../../schemas/serdes/serde.ts';
import { deserializeError } from '../../../schemas/serdes/serde.ts';

export interface BufferKey<K> {
  readonly time: number;
  readonly left: boolean;
  readonly key: K;
}

export interface BufferValue<VL, VR> {
  readonly left: boolean;
  readonly values: readonly (VL | VR)[];
}

const HEADER = 9;

/**
 * @example
 * ```ts
 * const serde = bufferKeySerde(Serdes.String());
 * serde.deserialize('t', serde.serialize('t', { time: 5, left: true, key: 'a' })); // { time: 5, left: true, key: 'a' }
 * ```
 */
export function bufferKeySerde<K>(keySerde: Serde<K>): Serde<BufferKey<K>> {
  return Object.freeze({
    serialize(topic: string, value: BufferKey<K> | null): Buffer | null {
      if (value === null) return null;
      const keyBytes = keySerde.serialize(topic, value.key) ?? Buffer.alloc(0);
      const out = Buffer.allocUnsafe(HEADER + keyBytes.length);
      out.writeBigUInt64BE(BigInt(Math.max(0, value.time)), 0);
      out.writeUInt8(value.left ? 0 : 1, 8);
      keyBytes.copy(out, HEADER);
      return out;
    },
    deserialize(topic: string, bytes: Buffer | null): BufferKey<K> | null {
      if (bytes === null) return null;
      if (bytes.length < HEADER) throw deserializeError(topic, bytes, 'an outer-join buffer key needs at least 9 bytes');
      return { time: Number(bytes.readBigUInt64BE(0)), left: bytes.readUInt8(8) === 0, key: keySerde.deserialize(topic, bytes.subarray(HEADER)) as K };
    },
  });
}

export function bufferValueSerde<VL, VR>(leftSerde: Serde<VL>, rightSerde: Serde<VR>): Serde<BufferValue<VL, VR>> {
  return Object.freeze({
    serialize(topic: string, value: BufferValue<VL, VR> | null): Buffer | null {
      if (value === null) return null;
      const parts = value.values.map((v) => (value.left ? leftSerde.serialize(topic, v as VL) : rightSerde.serialize(topic, v as VR)) ?? Buffer.alloc(0));
      const out = Buffer.allocUnsafe(1 + parts.reduce((sum, part) => sum + 4 + part.length, 0));
      out.writeUInt8(value.left ? 0 : 1, 0);
      let offset = 1;
      for (const part of parts) {
        out.writeUInt32BE(part.length, offset);
        part.copy(out, offset + 4);
        offset += 4 + part.length;
      }
      return out;
    },
    deserialize(topic: string, bytes: Buffer | null): BufferValue<VL, VR> | null {
      if (bytes === null) return null;
      if (bytes.length < 1) throw deserializeError(topic, bytes, 'an outer-join buffer value needs a side byte');
      const left = bytes.readUInt8(0) === 0;
      const values: (VL | VR)[] = [];
      for (let offset = 1; offset < bytes.length;) {
        if (offset + 4 > bytes.length) throw deserializeError(topic, bytes, 'a truncated outer-join buffer value');
        const length = bytes.readUInt32BE(offset);
        const part = bytes.subarray(offset + 4, offset + 4 + length);
        values.push(left ? (leftSerde.deserialize(topic, part) as VL) : (rightSerde.deserialize(topic, part) as VR));
        offset += 4 + length;
      }
      return { left, values };
    },
  });
}

/** Stream time shared by both sides of one join in one task, as Kafka's `TimeTracker`. */
export interface JoinTimes {
  streamTime: number;
  /** The earliest timestamp that may be buffered; nothing can be due before it. */
  minBuffered: number;
}

/** One `JoinTimes` per task, made by whichever side's processor starts first. */
export class JoinTimesByTask {
  readonly #byTask = new Map<string, JoinTimes>();

  get(task: string): JoinTimes {
    let times = this.#byTask.get(task);
    if (times === undefined) this.#byTask.set(task, (times = { streamTime: -1, minBuffered: Number.NEGATIVE_INFINITY }));
    return times;
  }

  remove(task: string): void {
    this.#byTask.delete(task);
  }
}
