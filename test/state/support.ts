/** Helpers shared by the state store tests: a context, a collecting changelog, temp folders. */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';

import type { ChangelogWriter, StateStoreContext, StoreHeaders } from '../../state/api/state-store.ts';

export interface ChangelogRecord {
  readonly topic: string;
  readonly partition: number;
  readonly key: string;
  readonly keyBytes: Buffer;
  /** UTF-8 of the value bytes, null for a tombstone. */
  readonly value: string | null;
  readonly valueBytes: Buffer | null;
  readonly timestamp: number;
}

/** A changelog writer that keeps what it is given, for assertions. */
export class CollectingChangelog implements ChangelogWriter {
  readonly records: ChangelogRecord[] = [];

  append(topic: string, partition: number, key: Buffer, value: Buffer | null, timestamp: number): void {
    this.records.push({ topic, partition, key: key.toString('utf8'), keyBytes: key, value: value === null ? null : value.toString('utf8'), valueBytes: value, timestamp });
  }

  clear(): void {
    this.records.length = 0;
  }
}

export interface TestContext extends StateStoreContext {
  readonly changelog: CollectingChangelog;
  readonly metricsRegistry: Registry;
  /** Sets the record timestamp the stores see. */
  setTime(timestampMs: number): void;
  /** Sets the headers of the record being processed, as the stores see them. */
  setHeaders(headers: StoreHeaders): void;
}

export function testContext(stateDir: string, overrides: Partial<Pick<StateStoreContext, 'applicationId' | 'taskId' | 'partition' | 'cacheMaxBytes'>> = {}): TestContext {
  let now = 1_000;
  let headers: StoreHeaders = [];
  return {
    applicationId: 'app',
    stateDir,
    taskId: '0_3',
    partition: 3,
    changelog: new CollectingChangelog(),
    metricsRegistry: new Registry(),
    currentTimestampMs: () => now,
    currentHeaders: () => headers,
    setTime: (timestampMs: number) => {
      now = timestampMs;
    },
    setHeaders: (next: StoreHeaders) => {
      headers = next;
    },
    ...overrides,
  };
}

/** A fresh temporary folder and its removal. */
export function tempDir(prefix = 'kst-state-'): { readonly path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}
