/**
 * Shared by the sink tests: SinkRecord builders, a recording SinkTaskContext, the stack's
 * addresses, and a TCP proxy that can cut the connection to a server for a while.
 */

import { createServer, connect, type Server, type Socket } from 'node:net';
import type { ConnectSchema, SinkRecord } from '../../../connectors/api/connect-record.ts';
import type { SinkTaskContext } from '../../../connectors/api/sink.ts';
import { endpoints, loadStackConfig } from '../../../scripts/stack/config.ts';
import { uniqueName } from '../../support/names.ts';

export const stack = endpoints(loadStackConfig());

/** A lower-case identifier no other run uses (table and index names). */
export const uniqueId = (prefix: string): string => uniqueName(prefix).replaceAll('-', '_').toLowerCase();

export function field(type: ConnectSchema['type'], optional = false, name?: string): ConnectSchema {
  return { type, optional, ...(name === undefined ? {} : { name }) };
}

export function struct(fields: Record<string, ConnectSchema>, optional = false): ConnectSchema {
  return { type: 'struct', optional, fields: Object.entries(fields).map(([n, schema], index) => ({ name: n, index, schema })) };
}

let offset = 0n;

export function sinkRecord(topic: string, key: unknown, value: unknown, schemas: { keySchema?: ConnectSchema | null; valueSchema?: ConnectSchema | null; partition?: number } = {}): SinkRecord {
  offset += 1n;
  return {
    topic,
    kafkaPartition: schemas.partition ?? 0,
    kafkaOffset: offset,
    timestamp: Date.now(),
    timestampType: 'CreateTime',
    keySchema: schemas.keySchema ?? null,
    key,
    valueSchema: schemas.valueSchema ?? null,
    value,
    headers: [],
  };
}

export interface RecordingContext extends SinkTaskContext {
  readonly errant: Array<{ record: SinkRecord; error: Error }>;
}

export function recordingContext(options: { failErrant?: boolean } = {}): RecordingContext {
  const errant: Array<{ record: SinkRecord; error: Error }> = [];
  return {
    errant,
    requestCommit: () => undefined,
    offset: () => undefined,
    pause: () => undefined,
    resume: () => undefined,
    errantRecordReporter: async (record, error) => {
      if (options.failErrant === true) throw error;
      errant.push({ record, error });
    },
  };
}

/** A TCP proxy in front of a server; `cut()` drops every connection and refuses new ones until `restore()`. */
export class CuttableProxy {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  private cutOff = false;
  port = 0;
  private readonly target: { host: string; port: number };

  constructor(target: { host: string; port: number }) {
    this.target = target;
  }

  async start(): Promise<void> {
    const server = createServer((client) => {
      if (this.cutOff) {
        client.destroy();
        return;
      }
      const upstream = connect(this.target.port, this.target.host);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream);
      upstream.pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    this.port = (server.address() as { port: number }).port;
  }

  cut(): void {
    this.cutOff = true;
    for (const socket of this.sockets) socket.destroy();
  }

  restore(): void {
    this.cutOff = false;
  }

  async stop(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => (this.server === null ? resolve() : this.server.close(() => resolve())));
  }
}
