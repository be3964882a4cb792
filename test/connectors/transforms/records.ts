/** Builders of SinkRecords and Connect schemas for the transform tests. */

import type { ConnectSchema, ConnectSchemaType, SinkRecord } from '../../../connectors/api/connect-record.ts';

export function schema(type: ConnectSchemaType, optional = false, name?: string): ConnectSchema {
  return { type, optional, ...(name === undefined ? {} : { name }) };
}

export function structSchema(fields: Record<string, ConnectSchema>, optional = false): ConnectSchema {
  return { type: 'struct', optional, fields: Object.entries(fields).map(([name, s], index) => ({ name, index, schema: s })) };
}

export function record(parts: Partial<SinkRecord> = {}): SinkRecord {
  return {
    topic: 'orders.events',
    kafkaPartition: 2,
    kafkaOffset: 42n,
    timestamp: 1_700_000_000_000,
    timestampType: 'CreateTime',
    keySchema: null,
    key: null,
    valueSchema: null,
    value: null,
    headers: [],
    ...parts,
  };
}

/** Field names and types of a struct schema, for compact assertions. */
export function shape(s: ConnectSchema | null): Array<[string, string, boolean]> {
  return (s?.fields ?? []).map((f) => [f.name, f.schema.name ?? f.schema.type, f.schema.optional]);
}
