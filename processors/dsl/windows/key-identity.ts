/**
 * A string that tells keys apart without their serde, for in-memory indexes keyed by a
 * table key (the suppression buffer): windowed keys by key and window, buffers by bytes,
 * other values by type and JSON. Equal keys give equal strings; the buffer's store, keyed
 * by the serialized key, stays the authority.
 */

export function keyIdentity(key: unknown): string {
  if (Buffer.isBuffer(key)) return `b:${key.toString('latin1')}`;
  if (typeof key === 'object' && key !== null && 'window' in key && 'key' in key) {
    const windowed = key as { readonly key: unknown; readonly window: { readonly start: number; readonly end: number } };
    return `w:${windowed.window.start}:${windowed.window.end}:${keyIdentity(windowed.key)}`;
  }
  if (typeof key === 'string') return `s:${key}`;
  if (typeof key === 'number' || typeof key === 'bigint' || typeof key === 'boolean') return `${typeof key}:${String(key)}`;
  return `j:${JSON.stringify(key)}`;
}
