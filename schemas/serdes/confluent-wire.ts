/**
 * The Confluent wire format: magic byte 0, the writer schema's registry id as a 4-byte
 * big-endian integer, then the encoded payload. Every Confluent-compatible client (Java,
 * librdkafka, kafkajs) frames Avro this way, so records interoperate with them.
 */

import { deserializeError } from './serde.ts';

export const MAGIC_BYTE = 0;
/** Magic byte plus schema id. */
export const WIRE_HEADER_LENGTH = 5;

/**
 * Frames an encoded payload with its schema id.
 *
 * @example
 * ```ts
 * frame(7, Buffer.from([2])); // <Buffer 00 00 00 00 07 02>
 * ```
 */
export function frame(schemaId: number, payload: Buffer): Buffer {
  const bytes = Buffer.allocUnsafe(WIRE_HEADER_LENGTH + payload.length);
  bytes.writeUInt8(MAGIC_BYTE, 0);
  bytes.writeInt32BE(schemaId, 1);
  payload.copy(bytes, WIRE_HEADER_LENGTH);
  return bytes;
}

/**
 * Splits framed bytes into schema id and payload; throws `KST_SERDE_DESERIALIZE` for bytes
 * that are not in the wire format. The payload is a view, not a copy.
 *
 * @example
 * ```ts
 * const { schemaId, payload } = unframe('orders.events', bytes);
 * ```
 */
export function unframe(topic: string, bytes: Buffer): { schemaId: number; payload: Buffer } {
  if (bytes.length < WIRE_HEADER_LENGTH) {
    throw deserializeError(topic, bytes, `shorter than the ${WIRE_HEADER_LENGTH}-byte Confluent wire header`);
  }
  const magic = bytes.readUInt8(0);
  if (magic !== MAGIC_BYTE) throw deserializeError(topic, bytes, `unknown magic byte ${magic}, expected ${MAGIC_BYTE}`, undefined, { magic });
  return { schemaId: bytes.readInt32BE(1), payload: bytes.subarray(WIRE_HEADER_LENGTH) };
}

/**
 * The schema id of framed bytes, or `undefined` when they are not framed (null, too short,
 * wrong magic byte). Used to prefetch schemas for a batch, where bad records are left for
 * the synchronous deserialize to reject one by one.
 */
export function peekSchemaId(bytes: Buffer | null): number | undefined {
  if (bytes === null || bytes.length < WIRE_HEADER_LENGTH || bytes[0] !== MAGIC_BYTE) return undefined;
  return bytes.readInt32BE(1);
}

/**
 * The distinct schema ids in a batch of framed values.
 *
 * @example
 * ```ts
 * schemaIdsOf(records.map((r) => r.value)); // Set { 3, 4 }
 * ```
 */
export function schemaIdsOf(batch: Iterable<Buffer | null>): Set<number> {
  const ids = new Set<number>();
  for (const bytes of batch) {
    const id = peekSchemaId(bytes);
    if (id !== undefined) ids.add(id);
  }
  return ids;
}
