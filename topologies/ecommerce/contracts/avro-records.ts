/**
 * Translation between the TypeScript shape of a flat command or event (optional fields
 * absent) and its Avro record (every field present, `null` when unset). One level deep:
 * the serdes apply it again to the elements of nested record arrays (order items, whose
 * `unitPriceCents` is optional).
 *
 * @example
 * ```ts
 * toAvroRecord({ type: 'Deposit', commandId: 'c1', customerId: 'k', issuedAtMs: 1, amountCents: 5 }, ['name', 'email', 'amountCents']);
 * // { ..., name: null, email: null, amountCents: 5 }
 * ```
 */

export function toAvroRecord(value: object, nullable: readonly string[]): Record<string, unknown> {
  const record: Record<string, unknown> = { ...value };
  for (const field of nullable) if (record[field] === undefined) record[field] = null;
  return record;
}

export function fromAvroRecord<T>(record: Record<string, unknown>): T {
  const value: Record<string, unknown> = {};
  for (const [field, fieldValue] of Object.entries(record)) if (fieldValue !== null) value[field] = fieldValue;
  return value as T;
}
