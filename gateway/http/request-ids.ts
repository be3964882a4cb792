/**
 * Ids of a write request. With an `Idempotency-Key` they are derived from (caller, key,
 * what is derived), so a retried request gets the same commandId and the same new orderId
 * even after the gateway restarted or forgot the response: the command it then produces is
 * a duplicate the services recognise by its commandId. Without a key they are random.
 *
 * Derived ids are UUIDs (version 8, "custom") made of a SHA-256 of the inputs, so they
 * look like the random ones and cannot be guessed without the key.
 *
 * @example
 * ```ts
 * const ids = requestIds('customer:c-1', request.headers['idempotency-key']);
 * const orderId = ids.derive('order'); const commandId = ids.derive('command');
 * ```
 */

import { createHash, randomUUID } from 'node:crypto';

export interface RequestIds {
  /** The same label gives the same id for the same caller and key. */
  derive(label: string): string;
}

function uuidV8(digest: Buffer): string {
  const bytes = Buffer.from(digest.subarray(0, 16));
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x80;
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function requestIds(caller: string, idempotencyKey: string | undefined): RequestIds {
  if (idempotencyKey === undefined) {
    const made = new Map<string, string>();
    return {
      derive(label) {
        let id = made.get(label);
        if (id === undefined) made.set(label, (id = randomUUID()));
        return id;
      },
    };
  }
  return { derive: (label) => uuidV8(createHash('sha256').update(`${caller}\u0000${idempotencyKey}\u0000${label}`).digest()) };
}
