/**
 * Kafka's murmur2 hash of a key (the Java client's `Utils.murmur2`), which the default
 * partitioner takes as `murmur2(key) & 0x7fffffff` modulo the partition count: the same
 * key lands on the same partition from any client, so co-partitioning with Java
 * producers holds. 32-bit integer arithmetic throughout (`Math.imul`, `>>>`), as Java's
 * `int`; the client library's version computes with BigInt, about ten times slower, and
 * this runs once per produced record.
 *
 * @example
 * ```ts
 * murmur2(Buffer.from('21')); // -973932308, as Java's Utils.murmur2("21".getBytes())
 * ```
 */

const SEED = 0x9747b28c;
const M = 0x5bd1e995;

export function murmur2(data: Uint8Array): number {
  const length = data.length;
  let h = SEED ^ length;
  const whole = length & ~3;
  for (let i = 0; i < whole; i += 4) {
    let k = (data[i] as number) | ((data[i + 1] as number) << 8) | ((data[i + 2] as number) << 16) | ((data[i + 3] as number) << 24);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M);
    h ^= k;
  }
  // The last one to three bytes (Java's switch falling through from case 3 to case 1).
  const rest = length & 3;
  if (rest > 0) {
    if (rest === 3) h ^= (data[whole + 2] as number) << 16;
    if (rest >= 2) h ^= (data[whole + 1] as number) << 8;
    h ^= data[whole] as number;
    h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}
