/**
 * What travels between the two sides of a foreign-key join (KIP-213), as Kafka Streams'
 * `SubscriptionWrapper` and `SubscriptionResponseWrapper`:
 * - a subscription, keyed by the foreign key, tells the other table's side that a row
 *   (its primary key) now refers to it, or no longer does, and what answer it wants;
 * - a response, keyed by the primary key, brings back the other table's current value
 *   with the hash of the row value the subscription was sent for, so that the left side
 *   drops answers to subscriptions a later update of the row superseded.
 * Layouts are this project's own (a version byte first); Kafka's are not readable here.
 */

import { createHash } from 'node:crypto';
import type { Serde } from '../../../../schemas/serdes/serde.ts';
import { deserializeError } from '../../../../schemas/serdes/serde.ts';

/** Kafka's `SubscriptionWrapper.Instruction`. */
export const Instruction = Object.freeze({
  /** The row moved to another foreign key: forget it here, emit nothing (the new key answers). */
  DELETE_KEY_NO_PROPAGATE: 0,
  /** The row is gone or refers to nothing: forget it and answer null, which unsets its result. */
  DELETE_KEY_AND_PROPAGATE: 1,
  /** Remember the row; answer with the other value, or null when there is none (to unset an earlier result). */
  PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE: 2,
  /** Remember the row; answer only when the other table has a value (a new row of an inner join). */
  PROPAGATE_ONLY_IF_FK_VAL_AVAILABLE: 3,
});
export type Instruction = (typeof Instruction)[keyof typeof Instruction];

export interface Subscription<K> {
  readonly instruction: Instruction;
  /** Hash of the row value the subscription was sent for; null when the row was deleted. */
  readonly hash: Buffer | null;
  readonly primaryKey: K;
}

export interface SubscriptionResponse<VO> {
  readonly hash: Buffer | null;
  readonly value: VO | null;
}

const VERSION = 0;

/** The hash that tells a response whether it answers the row's current value (Kafka uses murmur3-128). */
export function valueHash(bytes: Buffer | null): Buffer | null {
  return bytes === null ? null : createHash('md5').update(bytes).digest();
}

export function sameHash(a: Buffer | null, b: Buffer | null): boolean {
  return a === null || b === null ? a === b : a.equals(b);
}

function writeHash(hash: Buffer | null): Buffer {
  return hash === null ? Buffer.from([0]) : Buffer.concat([Buffer.from([hash.length]), hash]);
}

function readHash(bytes: Buffer, offset: number): [Buffer | null, number] {
  const length = bytes.readUInt8(offset);
  return [length === 0 ? null : Buffer.from(bytes.subarray(offset + 1, offset + 1 + length)), offset + 1 + length];
}

/**
 * @example
 * ```ts
 * const serde = subscriptionSerde(Serdes.String());
 * serde.serialize('t', { instruction: Instruction.PROPAGATE_ONLY_IF_FK_VAL_AVAILABLE, hash: null, primaryKey: 'order-1' });
 * ```
 */
export function subscriptionSerde<K>(primaryKeySerde: Serde<K>): Serde<Subscription<K>> {
  return Object.freeze({
    serialize(topic: string, value: Subscription<K> | null): Buffer | null {
      if (value === null) return null;
      const key = primaryKeySerde.serialize(topic, value.primaryKey) ?? Buffer.alloc(0);
      return Buffer.concat([Buffer.from([VERSION, value.instruction]), writeHash(value.hash), key]);
    },
    deserialize(topic: string, bytes: Buffer | null): Subscription<K> | null {
      if (bytes === null) return null;
      if (bytes.length < 3 || bytes.readUInt8(0) !== VERSION) throw deserializeError(topic, bytes, 'not a foreign-key join subscription');
      const [hash, offset] = readHash(bytes, 2);
      return { instruction: bytes.readUInt8(1) as Instruction, hash, primaryKey: primaryKeySerde.deserialize(topic, bytes.subarray(offset)) as K };
    },
  });
}

export function responseSerde<VO>(valueSerde: Serde<VO>): Serde<SubscriptionResponse<VO>> {
  return Object.freeze({
    serialize(topic: string, response: SubscriptionResponse<VO> | null): Buffer | null {
      if (response === null) return null;
      const value = response.value === null ? null : valueSerde.serialize(topic, response.value);
      return Buffer.concat([Buffer.from([VERSION]), writeHash(response.hash), Buffer.from([value === null ? 0 : 1]), value ?? Buffer.alloc(0)]);
    },
    deserialize(topic: string, bytes: Buffer | null): SubscriptionResponse<VO> | null {
      if (bytes === null) return null;
      if (bytes.length < 3 || bytes.readUInt8(0) !== VERSION) throw deserializeError(topic, bytes, 'not a foreign-key join response');
      const [hash, offset] = readHash(bytes, 1);
      const present = bytes.readUInt8(offset) === 1;
      return { hash, value: present ? (valueSerde.deserialize(topic, bytes.subarray(offset + 1)) as VO) : null };
    },
  });
}

/** The subscription store's key: the foreign key's length and bytes, then the primary key's, so one foreign key's subscribers are one prefix. */
export function combinedKey(foreignKey: Buffer, primaryKey: Buffer): Buffer {
  const out = Buffer.allocUnsafe(4 + foreignKey.length + primaryKey.length);
  out.writeUInt32BE(foreignKey.length, 0);
  foreignKey.copy(out, 4);
  primaryKey.copy(out, 4 + foreignKey.length);
  return out;
}

export function foreignKeyPrefix(foreignKey: Buffer): Buffer {
  return combinedKey(foreignKey, Buffer.alloc(0));
}
