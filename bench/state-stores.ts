/**
 * State store micro-benchmark: puts (buffered, one flush per batch) and prefetched gets
 * (one batched read per batch, then synchronous gets) per second for each backend, and
 * single awaited gets for the disk backends, the baseline that prefetching avoids. The
 * last rows are the whole stack a DSL store gets (metered + caching + change-logging,
 * String/JSON serdes); the in-memory stack's prefetch finds nothing, as nothing survives close.
 *
 *   node_modules/.bin/node bench/state-stores.ts [keys] [batch]
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';

import { Serdes } from '../schemas/serdes/serdes.ts';
import type { KeyValueBytesStore, KeyValueBytesStoreSupplier } from '../state/api/bytes-store.ts';
import type { ChangelogWriter, StateStoreContext } from '../state/api/state-store.ts';
import { Stores } from '../state/stores.ts';

const KEYS = Number(process.argv[2] ?? 100_000);
const BATCH = Number(process.argv[3] ?? 1_000);
const AWAITED = Math.min(KEYS, 20_000);
const keys = Array.from({ length: KEYS }, (_, i) => Buffer.from(`key-${String((i * 7_919) % KEYS).padStart(10, '0')}`));
const value = Buffer.alloc(100, 0x61);

interface Row {
  readonly name: string;
  readonly puts: number;
  readonly prefetched: number;
  readonly awaited: number | undefined;
}

const discard: ChangelogWriter = { append: () => undefined };

function context(stateDir: string): StateStoreContext {
  return { applicationId: 'bench', stateDir, taskId: '0_0', partition: 0, changelog: discard, metricsRegistry: new Registry() };
}

async function time(run: () => Promise<void>): Promise<number> {
  const start = process.hrtime.bigint();
  await run();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

async function benchBytes(name: string, store: KeyValueBytesStore, dir: string): Promise<Row> {
  await store.init(context(dir));
  const putSeconds = await time(async () => {
    for (let i = 0; i < KEYS; i += BATCH) {
      for (let j = i; j < Math.min(i + BATCH, KEYS); j++) store.put(keys[j] as Buffer, value);
      await store.flush();
    }
  });
  await store.close();
  await store.init(context(dir)); // cold reads: nothing left in the write buffer
  let found = 0;
  const prefetchSeconds = await time(async () => {
    for (let i = 0; i < KEYS; i += BATCH) {
      const batch = keys.slice(i, i + BATCH);
      await store.prefetch(batch);
      for (const key of batch) {
        const got = store.get(key);
        if (got instanceof Promise) throw new Error(`${name}: a prefetched get returned a promise`);
        if (got !== undefined) found++;
      }
    }
  });
  if (found !== KEYS && store.persistent) throw new Error(`${name}: found ${found} of ${KEYS}`);
  let awaited: number | undefined;
  if (store.persistent) {
    await store.close();
    await store.init(context(dir));
    const seconds = await time(async () => {
      for (let i = 0; i < AWAITED; i++) await store.get(keys[i] as Buffer);
    });
    awaited = AWAITED / seconds;
  }
  await store.close();
  return { name, puts: KEYS / putSeconds, prefetched: KEYS / prefetchSeconds, awaited };
}

async function benchStack(name: string, supplier: KeyValueBytesStoreSupplier, dir: string): Promise<Row> {
  const build = () => Stores.keyValueStoreBuilder(supplier, Serdes.String(), Serdes.JSON<{ n: number; s: string }>()).build();
  const names = keys.map((key) => key.toString());
  const payload = { n: 1, s: 'x'.repeat(80) };
  let store = build();
  await store.init(context(dir));
  const putSeconds = await time(async () => {
    for (let i = 0; i < KEYS; i += BATCH) {
      for (let j = i; j < Math.min(i + BATCH, KEYS); j++) store.put(names[j] as string, payload);
      await store.flush();
    }
  });
  await store.close();
  store = build();
  await store.init(context(dir));
  const prefetchSeconds = await time(async () => {
    for (let i = 0; i < KEYS; i += BATCH) {
      const batch = names.slice(i, i + BATCH);
      await store.prefetch(batch);
      for (const key of batch) if (store.get(key) instanceof Promise) throw new Error(`${name}: a prefetched get returned a promise`);
    }
  });
  await store.close();
  return { name, puts: KEYS / putSeconds, prefetched: KEYS / prefetchSeconds, awaited: undefined };
}

const rows: Row[] = [];
for (const [name, supplier] of [
  ['in-memory', Stores.inMemoryKeyValueStore('bench')],
  ['rocksdb', Stores.persistentKeyValueStore('bench')],
  ['level', Stores.levelKeyValueStore('bench')],
] as const) {
  const dir = mkdtempSync(join(tmpdir(), 'kst-bench-'));
  try {
    rows.push(await benchBytes(name, supplier.get(), dir));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
for (const [name, supplier] of [
  ['in-memory, full stack (typed)', Stores.inMemoryKeyValueStore('stack')],
  ['rocksdb, full stack (typed)', Stores.persistentKeyValueStore('stack')],
] as const) {
  const dir = mkdtempSync(join(tmpdir(), 'kst-bench-'));
  try {
    rows.push(await benchStack(name, supplier, dir));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const rate = (n: number | undefined): string => (n === undefined ? '—' : `${Math.round(n).toLocaleString('en-US')}/s`);
const memory = rows[0] as Row;
console.log(`${KEYS.toLocaleString('en-US')} keys, batches of ${BATCH}, 100-byte values; awaited gets: ${AWAITED.toLocaleString('en-US')} sequential\n`);
console.log('| store | puts | × in-memory | prefetched gets | × in-memory | awaited gets | prefetched ÷ awaited |');
console.log('|---|---:|---:|---:|---:|---:|---:|');
for (const row of rows) {
  const ratio = row.awaited === undefined ? '—' : `${(row.prefetched / row.awaited).toFixed(1)}×`;
  console.log(`| ${row.name} | ${rate(row.puts)} | ${(row.puts / memory.puts).toFixed(2)} | ${rate(row.prefetched)} | ${(row.prefetched / memory.prefetched).toFixed(2)} | ${rate(row.awaited)} | ${ratio} |`);
}
