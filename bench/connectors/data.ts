/**
 * The benchmark's input: the same SinkRecords for every contender, built once. Orders
 * with a struct key and a struct value (Connect schemas), one row per key, as a
 * read-model load would have them.
 */

import type { ConnectSchema, SinkRecord } from '../../connectors/api/connect-record.ts';

const f = (type: ConnectSchema['type'], optional = false): ConnectSchema => ({ type, optional });

export const keySchema: ConnectSchema = { type: 'struct', optional: false, fields: [{ name: 'id', index: 0, schema: f('int64') }] };
export const valueSchema: ConnectSchema = {
  type: 'struct',
  optional: false,
  fields: [
    { name: 'id', index: 0, schema: f('int64') },
    { name: 'customer', index: 1, schema: f('string') },
    { name: 'status', index: 2, schema: f('string') },
    { name: 'quantity', index: 3, schema: f('int32') },
    { name: 'amount', index: 4, schema: f('float64') },
    { name: 'note', index: 5, schema: f('string', true) },
  ],
};

export interface Order {
  readonly id: number;
  readonly customer: string;
  readonly status: string;
  readonly quantity: number;
  readonly amount: number;
  readonly note: string | null;
}

const STATUSES = ['CREATED', 'RESERVED', 'PAID', 'SHIPPED', 'COMPLETED'];

export function makeRecords(topic: string, count: number): SinkRecord[] {
  const records: SinkRecord[] = new Array(count);
  for (let i = 0; i < count; i += 1) {
    const value: Order = {
      id: i,
      customer: `customer-${i % 5000}`,
      status: STATUSES[i % STATUSES.length] as string,
      quantity: 1 + (i % 9),
      amount: Math.round(((i * 7919) % 100_000) + 99) / 100,
      note: i % 4 === 0 ? null : `order ${i} for "customer ${i % 5000}"`,
    };
    records[i] = {
      topic,
      kafkaPartition: i % 6,
      kafkaOffset: BigInt(Math.floor(i / 6)),
      timestamp: 1_700_000_000_000 + i,
      timestampType: 'CreateTime',
      keySchema,
      key: { id: i },
      valueSchema,
      value,
      headers: [],
    };
  }
  return records;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] as number : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export const noopContext = {
  requestCommit: () => undefined,
  offset: () => undefined,
  pause: () => undefined,
  resume: () => undefined,
  errantRecordReporter: async () => undefined,
};
