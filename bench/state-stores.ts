/**
 * State store micro-benchmark: puts (buffered, one flush per batch) and prefetched gets
 * (one batched read per batch, then synchronous gets) per second for each backend, and
 * single awaited gets for the disk backends, the baseline that prefetching avoids. The
 * last rows are the whole stack a DSL store gets (metered + caching + change-logging,
 * String/JSON serdes); the in-memory stack's prefetch finds nothing, as nothing survives close.
 *
 * Then a count-like workload, the hot path of `groupByKey().count()`: per batch of 1,000
 * records (keys drawn from 10,000), one prefetch, then per record get → +1 → put through a
 * timestamped String/Long store with its flush listener set, a flush every 10 batches.
 * Each record's key is a fresh string, as a decoded record's is. `--baseline=<dir>` runs
 * the same workload, interleaved, on the stores of another checkout (e.g. one made with
 * `git archive HEAD state schemas common | tar -x -C <dir>`, node_modules linked), so a
 * before/after comparison shares one run and one machine load.
 *
 *   node_modules/.bin/node bench/state-stores.ts [keys] [batch] [--count-only] [--baseline=<dir>] [--rounds=<n>] [--records=<n>]
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Registry } from 'prom-client';

import { Serdes } from '../schemas/serdes/serdes.ts';
import type { KeyValueBytesStore, KeyValueBytesStoreSupplier } from '../state/api/bytes-store.ts';
import type { ChangelogWriter, StateStoreContext } from '../state/api/state-store.ts';
import { Stores } from '../state/stores.ts';

const positional = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
const option = (name: string): string | undefined => process.argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
const KEYS = Number(positional[0] ?? 100_000);
const BATCH = Number(positional[1] ?? 1_000);
const COUNT_ONLY = process.argv.includes('--count-only');
const BASELINE = option('baseline');
const ROUNDS = Number(option('rounds') ?? 3);
const COUNT_RECORDS = Number(option('records') ?? 1_000_000);
const COUNT_KEYS = 10_000;
const COUNT_BATCH = 1_000;
const FLUSH_EVERY = 10;
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

const loadBefore = loadavg();
const rows: Row[] = [];
if (!COUNT_ONLY) {
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
}

const rate = (n: number | undefined): string => (n === undefined ? '—' : `${Math.round(n).toLocaleString('en-US')}/s`);
if (!COUNT_ONLY) {
  const memory = rows[0] as Row;
  console.log(`${KEYS.toLocaleString('en-US')} keys, batches of ${BATCH}, 100-byte values; awaited gets: ${AWAITED.toLocaleString('en-US')} sequential\n`);
  console.log('| store | puts | × in-memory | prefetched gets | × in-memory | awaited gets | prefetched ÷ awaited |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const row of rows) {
    const ratio = row.awaited === undefined ? '—' : `${(row.prefetched / row.awaited).toFixed(1)}×`;
    console.log(`| ${row.name} | ${rate(row.puts)} | ${(row.puts / memory.puts).toFixed(2)} | ${rate(row.prefetched)} | ${(row.prefetched / memory.prefetched).toFixed(2)} | ${rate(row.awaited)} | ${ratio} |`);
  }
  console.log('');
}

/** The stores and serdes of one checkout: this one, or the baseline's. */
interface Implementation {
  readonly label: string;
  readonly stores: typeof Stores;
  readonly serdes: typeof Serdes;
}

/** Keys as the batches will read them, each record's a fresh string (as decoded records' are), made before timing. */
function countBatches(): string[][] {
  const batches: string[][] = [];
  let seed = 42;
  for (let done = 0; done < COUNT_RECORDS; done += COUNT_BATCH) {
    const batch: string[] = [];
    for (let i = 0; i < Math.min(COUNT_BATCH, COUNT_RECORDS - done); i++) {
      seed = (seed * 1_103_515_245 + 12_345) >>> 0;
      batch.push(Buffer.from(`user-${String(seed % COUNT_KEYS).padStart(6, '0')}`).toString('utf8'));
    }
    batches.push(batch);
  }
  return batches;
}

/** Records per second of wall time and per second of this process's CPU time (less sensitive to a loaded machine). */
interface CountRate {
  readonly wall: number;
  readonly cpu: number;
}

async function countLike(impl: Implementation, backend: 'in-memory' | 'rocksdb', dir: string): Promise<CountRate> {
  const supplier = backend === 'rocksdb' ? impl.stores.persistentKeyValueStore('counts') : impl.stores.inMemoryKeyValueStore('counts');
  const store = impl.stores.timestampedKeyValueStoreBuilder(supplier, impl.serdes.String(), impl.serdes.Long()).build();
  const batches = countBatches();
  await store.init(context(dir));
  let emitted = 0;
  store.setFlushListener((entries) => void (emitted += entries.length), false);
  let timestamp = 1_700_000_000_000;
  const cpuStart = process.cpuUsage();
  const seconds = await time(async () => {
    for (let b = 0; b < batches.length; b++) {
      const batch = batches[b] as string[];
      await store.prefetch(batch);
      for (const key of batch) {
        let current = store.get(key);
        if (current instanceof Promise) current = await current;
        store.put(key, { value: (current?.value ?? 0) + 1, timestamp: timestamp++ });
      }
      if ((b + 1) % FLUSH_EVERY === 0) await store.flush();
    }
    await store.flush();
  });
  const cpu = process.cpuUsage(cpuStart);
  let total = 0;
  for await (const entry of store.all()) total += entry.value.value;
  await store.close();
  if (total !== COUNT_RECORDS || emitted < COUNT_KEYS) throw new Error(`${impl.label} ${backend}: counted ${total} of ${COUNT_RECORDS}, emitted ${emitted}`);
  return { wall: COUNT_RECORDS / seconds, cpu: COUNT_RECORDS / ((cpu.user + cpu.system) / 1e6) };
}

const implementations: Implementation[] = [{ label: 'current', stores: Stores, serdes: Serdes }];
if (BASELINE !== undefined) {
  const root = resolve(BASELINE);
  const stores = (await import(pathToFileURL(join(root, 'state/stores.ts')).href)) as { Stores: typeof Stores };
  const serdes = (await import(pathToFileURL(join(root, 'schemas/serdes/serdes.ts')).href)) as { Serdes: typeof Serdes };
  implementations.unshift({ label: `baseline (${BASELINE})`, stores: stores.Stores, serdes: serdes.Serdes });
}
const results = new Map<string, CountRate[]>();
for (let round = 0; round < ROUNDS; round++) {
  for (const backend of ['in-memory', 'rocksdb'] as const) {
    for (const impl of implementations) {
      const dir = mkdtempSync(join(tmpdir(), 'kst-bench-'));
      try {
        const id = `${impl.label}|${backend}`;
        results.set(id, [...(results.get(id) ?? []), await countLike(impl, backend, dir)]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  }
}
const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[values.length >> 1] as number;
const walls = (runs: readonly CountRate[]): number[] => runs.map((run) => run.wall);
const cpus = (runs: readonly CountRate[]): number[] => runs.map((run) => run.cpu);
const loadAfter = loadavg();
const load = (values: readonly number[]): string => values.map((v) => v.toFixed(2)).join(' ');
console.log(`count-like: ${COUNT_RECORDS.toLocaleString('en-US')} records, batches of ${COUNT_BATCH} from ${COUNT_KEYS.toLocaleString('en-US')} keys, flush every ${FLUSH_EVERY} batches; median of ${ROUNDS} interleaved rounds`);
console.log(`load average (1/5/15 min): before ${load(loadBefore)}, after ${load(loadAfter)}\n`);
console.log('| store | implementation | records/s (median) | rounds | × first | records per CPU-second (median) | × first |');
console.log('|---|---|---:|---|---:|---:|---:|');
for (const backend of ['in-memory', 'rocksdb'] as const) {
  const firstRuns = results.get(`${(implementations[0] as Implementation).label}|${backend}`) ?? [];
  for (const impl of implementations) {
    const runs = results.get(`${impl.label}|${backend}`) ?? [];
    const wall = median(walls(runs));
    const cpu = median(cpus(runs));
    const rounds = walls(runs).map((r) => Math.round(r / 1000)).join(', ');
    console.log(`| ${backend} | ${impl.label} | ${rate(wall)} | ${rounds} k | ${(wall / median(walls(firstRuns))).toFixed(2)} | ${rate(cpu)} | ${(cpu / median(cpus(firstRuns))).toFixed(2)} |`);
  }
}
