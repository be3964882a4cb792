/**
 * The buffer of `KTable.suppress`, as Kafka Streams' `InMemoryTimeOrderedKeyValueBuffer`:
 * the latest change per key, kept in a key-value store whose changelog makes it survive a
 * restart, and an index by buffer time in memory (rebuilt from the store at init) so that
 * evicting what is due costs no scan. A key keeps the buffer time of its first buffered
 * change until it is evicted ("non-resetting", as in Kafka), and the old value of that
 * first change, so what finally leaves replaces what left before.
 */

import { then, type Awaitable } from '../../../common/awaitable.ts';
import type { Serde } from '../../../schemas/serdes/serde.ts';
import { deserializeError, type SerdeHeaders } from '../../../schemas/serdes/serde.ts';
import type { TimestampedKeyValueStore } from '../../../state/api/timestamped.ts';
import type { Change } from '../functions.ts';

export interface Buffered<K, V> {
  readonly key: K;
  readonly change: Change<V>;
  readonly timestamp: number;
}

interface Slot<K> {
  readonly id: string;
  readonly key: K;
  readonly time: number;
}

/**
 * A `Change` with either side possibly null, both included (a tombstone of a key that was
 * never sent): one flag byte, the new value's length (4 bytes), the new value, the old one.
 *
 * @example
 * ```ts
 * const serde = bufferedChangeSerde(Serdes.Long());
 * serde.deserialize('t', serde.serialize('t', { newValue: null, oldValue: null })); // { newValue: null, oldValue: null }
 * ```
 */
export function bufferedChangeSerde<V>(inner: Serde<V>): Serde<Change<V>> {
  return Object.freeze({
    serialize(topic: string, value: Change<V> | null, headers?: SerdeHeaders): Buffer | null {
      if (value === null) return null;
      const newBytes = value.newValue === null ? null : inner.serialize(topic, value.newValue, headers);
      const oldBytes = value.oldValue === null ? null : inner.serialize(topic, value.oldValue, headers);
      const out = Buffer.allocUnsafe(5 + (newBytes?.length ?? 0) + (oldBytes?.length ?? 0));
      out.writeUInt8((newBytes === null ? 0 : 1) | (oldBytes === null ? 0 : 2), 0);
      out.writeUInt32BE(newBytes?.length ?? 0, 1);
      newBytes?.copy(out, 5);
      oldBytes?.copy(out, 5 + (newBytes?.length ?? 0));
      return out;
    },
    deserialize(topic: string, bytes: Buffer | null, headers?: SerdeHeaders): Change<V> | null {
      if (bytes === null) return null;
      if (bytes.length < 5) throw deserializeError(topic, bytes, 'a buffered change needs at least 5 bytes');
      const flags = bytes.readUInt8(0);
      const newLength = bytes.readUInt32BE(1);
      const newValue = (flags & 1) === 0 ? null : inner.deserialize(topic, bytes.subarray(5, 5 + newLength), headers);
      const oldValue = (flags & 2) === 0 ? null : inner.deserialize(topic, bytes.subarray(5 + newLength), headers);
      return { newValue, oldValue };
    },
  });
}

export class SuppressBuffer<K, V> {
  readonly #store: TimestampedKeyValueStore<K, Change<V>>;
  readonly #idOf: (key: K) => string;
  readonly #timeOf: (key: K, timestamp: number) => number;
  readonly #slots = new Map<string, Slot<K>>();
  /** Slots by buffer time, oldest first; ties keep arrival order. */
  readonly #order: Slot<K>[] = [];

  /** `idOf` gives a key's identity (its bytes); `timeOf` its buffer time. */
  constructor(store: TimestampedKeyValueStore<K, Change<V>>, idOf: (key: K) => string, timeOf: (key: K, timestamp: number) => number) {
    this.#store = store;
    this.#idOf = idOf;
    this.#timeOf = timeOf;
  }

  get size(): number {
    return this.#slots.size;
  }

  /** Rebuilds the time index from the (restored) store. */
  async load(): Promise<void> {
    for await (const entry of this.#store.all()) this.#index(this.#idOf(entry.key), entry.key, this.#timeOf(entry.key, entry.value.timestamp));
  }

  /** Buffers `change` for `key`; a key already buffered keeps its time and first old value. */
  put(key: K, change: Change<V>, timestamp: number): Awaitable<void> {
    const id = this.#idOf(key);
    if (!this.#slots.has(id)) {
      this.#index(id, key, this.#timeOf(key, timestamp));
      this.#store.put(key, { value: change, timestamp });
      return undefined;
    }
    const previous = this.#store.get(key);
    const write = (found: { value: Change<V> } | undefined): void => {
      this.#store.put(key, { value: { newValue: change.newValue, oldValue: found === undefined ? change.oldValue : found.value.oldValue }, timestamp });
    };
    return previous instanceof Promise ? previous.then(write) : write(previous);
  }

  /** The buffer time of the oldest key, or undefined when empty. */
  minTime(): number | undefined {
    return this.#order[0]?.time;
  }

  /** Removes the oldest key and returns what was buffered for it. */
  evictOldest(): Awaitable<Buffered<K, V> | undefined> {
    const slot = this.#order.shift();
    if (slot === undefined) return undefined;
    this.#slots.delete(slot.id);
    return then(this.#store.delete(slot.key), (found) => (found === undefined ? undefined : { key: slot.key, change: found.value, timestamp: found.timestamp }));
  }

  #index(id: string, key: K, time: number): void {
    const slot = { id, key, time };
    this.#slots.set(id, slot);
    // Times mostly grow, so the slot usually goes last; otherwise binary search.
    let low = 0;
    let high = this.#order.length;
    if (high > 0 && (this.#order[high - 1] as Slot<K>).time <= time) low = high;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((this.#order[mid] as Slot<K>).time <= time) low = mid + 1;
      else high = mid;
    }
    this.#order.splice(low, 0, slot);
  }
}
