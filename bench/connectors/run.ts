/**
 * Sink connector benchmark: our PostgreSQL sink task against plain batched `pg` loads,
 * and our Elasticsearch/OpenSearch sink task against a plain `_bulk` load, on the same
 * records, servers and machine, in one run. Contenders alternate order across
 * repetitions; the median of each is reported with its ratio to the best baseline
 * (target: at least 0.8x). Figures go to BENCHMARKS.md ("Sink connectors").
 *
 *   node bench/connectors/run.ts [--records=100000] [--repetitions=3] [--pg-batch=3000] [--es-batch=2000] [--es-in-flight=5]
 */

import { parseArgs } from 'node:util';
import { cpus } from 'node:os';
import { endpoints, loadStackConfig } from '../../scripts/stack/config.ts';
import { makeRecords, median } from './data.ts';
import { runPostgres, type PostgresContender } from './postgres.ts';
import { runSearch, type SearchContender } from './search.ts';

const { values } = parseArgs({
  options: {
    records: { type: 'string', default: '100000' },
    repetitions: { type: 'string', default: '3' },
    'pg-batch': { type: 'string', default: '3000' },
    'es-batch': { type: 'string', default: '2000' },
    'es-in-flight': { type: 'string', default: '5' },
    only: { type: 'string', default: 'postgres,search' },
  },
});
const count = Number(values.records);
const repetitions = Number(values.repetitions);
const only = values.only.split(',');
const stack = endpoints(loadStackConfig());
const say = (line: string): void => console.log(`[bench] ${line}`);

async function measure<C extends string>(contenders: readonly C[], run: (contender: C) => Promise<number>): Promise<Map<C, number[]>> {
  const results = new Map<C, number[]>(contenders.map((c) => [c, []]));
  // A warm-up pass each, so JIT and server caches do not favour whoever runs second.
  for (const c of contenders) await run(c);
  for (let r = 0; r < repetitions; r += 1) {
    const order = r % 2 === 0 ? contenders : [...contenders].reverse();
    for (const c of order) {
      const rate = await run(c);
      results.get(c)?.push(rate);
      say(`  rep ${r + 1} ${c}: ${Math.round(rate).toLocaleString('en')} /s`);
    }
  }
  return results;
}

function report(title: string, unit: string, results: Map<string, number[]>, ours: string): void {
  const medians = new Map([...results].map(([c, rates]) => [c, median(rates)]));
  const best = Math.max(...[...medians].filter(([c]) => c !== ours).map(([, m]) => m));
  console.log(`\n${title}`);
  console.log(`| contender | ${unit}/s (median of ${repetitions}) | runs | vs best baseline |`);
  console.log('|---|---:|---|---:|');
  // The machine is shared: a rep-by-rep ratio (neighbours in time) is steadier than a ratio of medians.
  const baselines = [...results.keys()].filter((c) => c !== ours);
  const paired = (results.get(ours) ?? []).map((rate, i) => rate / Math.max(...baselines.map((c) => results.get(c)?.[i] ?? 0)));
  console.log(`paired ratio ${ours} / best baseline of the same repetition: median ${median(paired).toFixed(2)}x (${paired.map((r) => r.toFixed(2)).join(', ')})`);
  for (const [c, m] of medians) {
    const runs = (results.get(c) ?? []).map((r) => Math.round(r).toLocaleString('en')).join(', ');
    console.log(`| ${c} | ${Math.round(m).toLocaleString('en')} | ${runs} | ${(m / best).toFixed(2)}x |`);
  }
}

say(`${count.toLocaleString('en')} records, ${repetitions} repetitions, ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), Node ${process.version}`);
const records = makeRecords('bench_orders', count);

if (only.includes('postgres')) {
  const url = stack.postgresUrl;
  const batch = Number(values['pg-batch']);
  say(`PostgreSQL ${url.replace(/:[^:@/]*@/, ':***@')}, batch ${batch}, upsert`);
  const contenders: PostgresContender[] = ['sink', 'pg-values', 'pg-unnest'];
  const results = await measure(contenders, (c) => runPostgres(c, records, url, 'bench_connect_orders', batch));
  report(`PostgreSQL sink, ${count.toLocaleString('en')} records, batch.size ${batch}, upsert`, 'rows', results, 'sink');
}

if (only.includes('search')) {
  const url = stack.opensearchUrl;
  const batch = Number(values['es-batch']);
  const inFlight = Number(values['es-in-flight']);
  const documents = records.map((r) => ({ ...r, keySchema: { type: 'string' as const, optional: false }, key: String((r.key as { id: number }).id) }));
  say(`search ${url}, batch ${batch}, ${inFlight} in flight, insert`);
  const contenders: SearchContender[] = ['sink', 'plain-bulk'];
  const results = await measure(contenders, (c) => runSearch(c, documents, url, 'bench-connect-orders', batch, inFlight));
  report(`Search sink, ${count.toLocaleString('en')} documents, batch.size ${batch}, ${inFlight} in flight`, 'docs', results, 'sink');
}
