/**
 * The value serde of a KTable.groupBy repartition topic: a `Change` carries the old and
 * the new value of a row so the aggregation on the other side can subtract and add.
 * Layout: one flag byte (1 = new present, 2 = old present), the new value's length as a
 * 4-byte big-endian integer, the new value's bytes, the old value's bytes. Kafka Streams'
 * `ChangedSerializer` does the same job with a layout of its own; topics written by one
 * are not readable by the other.
 */

import type { Serde, SerdeHeaders } from '../../../schemas/serdes/serde.ts';
import { deserializeError, serializeError } from '../../../schemas/serdes/serde.ts';
import type { Change } from '../functions.ts';

const NEW = 1;
const OLD = 2;
const HEADER = 5;

/**
 * @example
 * ```ts
 * const serde = changeSerde(Serdes.String());
 * serde.deserialize('t', serde.serialize('t', { newValue: 'b', oldValue: 'a' })); // { newValue: 'b', oldValue: 'a' }
 * ```
 */
export function changeSerde<V>(inner: Serde<V>): Serde<Change<V>> {
  return Object.freeze({
    serialize(topic: string, value: Change<V> | null, headers?: SerdeHeaders): Buffer | null {
      if (value === null) return null;
      const newBytes = value.newValue === null ? null : inner.serialize(topic, value.newValue, headers);
      const oldBytes = value.oldValue === null ? null : inner.serialize(topic, value.oldValue, headers);
      if (newBytes === null && oldBytes === null) throw serializeError(topic, 'a change with neither a new nor an old value');
      const out = Buffer.allocUnsafe(HEADER + (newBytes?.length ?? 0) + (oldBytes?.length ?? 0));
      out.writeUInt8((newBytes === null ? 0 : NEW) | (oldBytes === null ? 0 : OLD), 0);
      out.writeUInt32BE(newBytes?.length ?? 0, 1);
      newBytes?.copy(out, HEADER);
      oldBytes?.copy(out, HEADER + (newBytes?.length ?? 0));
      return out;
    },
    deserialize(topic: string, bytes: Buffer | null, headers?: SerdeHeaders): Change<V> | null {
      if (bytes === null) return null;
      if (bytes.length < HEADER) throw deserializeError(topic, bytes, 'a change needs at least 5 bytes');
      const flags = bytes.readUInt8(0);
      const newLength = bytes.readUInt32BE(1);
      if (HEADER + newLength > bytes.length) throw deserializeError(topic, bytes, 'the new value is longer than the record');
      const newValue = (flags & NEW) === 0 ? null : inner.deserialize(topic, bytes.subarray(HEADER, HEADER + newLength), headers);
      const oldValue = (flags & OLD) === 0 ? null : inner.deserialize(topic, bytes.subarray(HEADER + newLength), headers);
      return { newValue, oldValue };
    },
  });
}
