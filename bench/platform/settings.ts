/**
 * Settings of the platform benchmark, from `--key=value` flags (keys as below, dots or
 * dashes), validated once: a bad value stops the run naming the key.
 *
 *   node bench/platform/run.ts --cases=saga --orders=3000 --latency-seconds=30
 */

import { defineConfig, integer, list, string, type ConfigOf } from '../../common/config.ts';
import { KstError } from '../../common/errors.ts';

const fields = {
  cases: list({ default: ['gateway', 'saga'], doc: 'Which parts run: gateway (requests/s per route), saga (orders/s under exactly-once, then latency at a fixed rate).' }),
  'bootstrap.servers': string({ default: '127.0.0.1:9092', doc: 'Kafka of the stack.' }),
  'registry.url': string({ default: 'http://127.0.0.1:8081/apis/ccompat/v7', doc: 'Schema registry of the stack.' }),
  partitions: integer({ default: 3, min: 1, doc: 'Partitions of the platform topics (the services\' default).' }),
  instances: integer({ default: 1, min: 1, max: 4, doc: 'Processes per service in the saga case.' }),
  'gateway.seconds': integer({ default: 20, min: 1, doc: 'Measured seconds per route in the gateway case (after a 3 s warm-up).' }),
  'gateway.connections': integer({ default: 32, min: 1, doc: 'HTTP connections of the load generator, each with one request in flight.' }),
  products: integer({ default: 100, min: 1, doc: 'Products seeded (GET /products/:id cycles through them).' }),
  customers: integer({ default: 200, min: 1, doc: 'Customers seeded for the saga; orders cycle through them.' }),
  orders: integer({ default: 3_000, min: 10, doc: 'Orders pushed at once to orders.commands for the throughput figure.' }),
  'latency.percent': integer({ default: 50, min: 1, max: 100, doc: 'The fixed rate of the latency run, as a percentage of the measured throughput.' }),
  'latency.rate': integer({ default: 0, min: 0, doc: 'The fixed rate of the latency run in orders/s; 0: latency.percent of the measured throughput.' }),
  'latency.seconds': integer({ default: 30, min: 1, doc: 'How long orders are POSTed at the fixed rate.' }),
  'settle.timeout.ms': integer({ default: 300_000, min: 1_000, doc: 'How long orders may take to reach a final state before the run gives up.' }),
};

export const platformBenchSettings = defineConfig(fields);
export type PlatformBenchSettings = ConfigOf<typeof fields>;

export function parseBenchSettings(argv: readonly string[]): PlatformBenchSettings {
  const byLoose = new Map(Object.keys(fields).map((key) => [key.replace(/[.-]/g, ''), key]));
  const input: Record<string, string> = {};
  for (const arg of argv) {
    const match = /^--([A-Za-z.-]+)=(.*)$/.exec(arg);
    const key = match === null ? undefined : byLoose.get((match[1] as string).replace(/[.-]/g, '').toLowerCase());
    if (match === null || key === undefined) throw new KstError('KST_CONFIG_INVALID', `unknown argument ${JSON.stringify(arg)}; flags are --<key>=<value> with keys ${Object.keys(fields).join(', ')}`, { key: arg, value: arg });
    input[key] = match[2] as string;
  }
  const settings = platformBenchSettings.parse(input);
  const unknown = settings.cases.filter((c) => c !== 'gateway' && c !== 'saga');
  if (unknown.length > 0) throw new KstError('KST_CONFIG_INVALID', `config "cases" must name gateway and/or saga (got ${JSON.stringify(settings.cases)})`, { key: 'cases', value: settings.cases });
  return settings;
}
