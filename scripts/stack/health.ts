/**
 * Health probes. Each answers one question, "does the server serve requests yet?", with
 * the protocol a client would use: an open port alone is not enough (Kafka opens its
 * listener before the controller has elected itself, Quarkus before the storage is ready).
 */

import pg from 'pg';
import { setTimeout as sleep } from 'node:timers/promises';
import { KafkaAdmin, kafkaClientConfig } from '../../processors/kafka/index.ts';

export type Probe = () => Promise<boolean>;

/** A GET that answers 200 within `timeoutMs`. */
export async function httpOk(url: string, timeoutMs = 3000): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await response.arrayBuffer();
    return response.status === 200;
  } catch {
    return false;
  }
}

/** The broker answers a metadata request and lists at least one broker. */
export async function kafkaAnswers(bootstrap: string, timeoutMs = 3000): Promise<boolean> {
  const admin = new KafkaAdmin(kafkaClientConfig.parse({
    'bootstrap.servers': [bootstrap], 'client.id': 'kstack-health', 'request.timeout.ms': timeoutMs, 'connect.timeout.ms': timeoutMs, retries: 0,
  }));
  try {
    return (await admin.brokerCount()) > 0;
  } catch {
    return false;
  } finally {
    await admin.close().catch(() => undefined);
  }
}

export interface PostgresTarget {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly database: string;
}

/** Connects with the configured credentials and runs `SELECT 1`. */
export async function postgresAnswers(target: PostgresTarget, timeoutMs = 3000): Promise<boolean> {
  const client = new pg.Client({ ...target, connectionTimeoutMillis: timeoutMs });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const result = await client.query('SELECT 1 AS ok');
    return result.rows.length === 1;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export type WaitOutcome = 'healthy' | 'exited' | 'timeout';

/**
 * Polls `probe` until it succeeds, the process dies (`alive` false) or `timeoutMs` passes.
 * A dead process ends the wait at once instead of making the user sit out the timeout.
 */
export async function waitHealthy(probe: Probe, alive: () => boolean, timeoutMs: number, intervalMs = 250): Promise<WaitOutcome> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!alive()) return 'exited';
    // An answer only counts while our process still lives: on a loaded machine the probe
    // can outlast a server that died at once, and reach another one on the same port.
    if (await probe()) return alive() ? 'healthy' : 'exited';
    if (!alive()) return 'exited';
    if (Date.now() >= deadline) return 'timeout';
    await sleep(intervalMs);
  }
}
