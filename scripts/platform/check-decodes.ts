/**
 * The acceptance check after a restart of the stack: every record on the platform's
 * topics still decodes with the registry's schema for the id it names. Records name their
 * writer schema by id (the Confluent wire format), so a registry that lost or renumbered
 * its schemas turns old records into unreadable or misread bytes; this reads every
 * partition from its beginning to its end and tries each record.
 *
 *   node scripts/platform/check-decodes.ts [topic ...]   # default: the platform's topics
 *
 * The default topics carry `ECOMMERCE_TOPIC_PREFIX`, as the services that wrote them do; the
 * platform's JSON tables (`notifications.templates`, `carts.catalog`) are left out.
 * Addresses come from the `STACK_*` settings (`scripts/stack/config.ts`); exit code 1
 * when a record does not decode, and the report names topic, partition, offset and id.
 */

import { isKstError } from '../../common/errors.ts';
import { KafkaAdmin, PartitionReader, kafkaClientConfig } from '../../processors/kafka/index.ts';
import { RegistryClient } from '../../schemas/registry/registry-client.ts';
import { AvroSerde } from '../../schemas/serdes/avro.ts';
import { peekSchemaId } from '../../schemas/serdes/confluent-wire.ts';
import { prefixedTopics } from '../../topologies/ecommerce/contracts/topics.ts';

export interface DecodeFailure {
  readonly topic: string;
  readonly partition: number;
  readonly offset: bigint;
  /** The id the record names; undefined when the value is not in the wire format at all. */
  readonly schemaId: number | undefined;
  readonly reason: string;
}

export interface TopicReport {
  readonly topic: string;
  readonly records: number;
  readonly decoded: number;
  /** The schema ids the topic's records name, in ascending order. */
  readonly schemaIds: readonly number[];
  readonly failures: readonly DecodeFailure[];
}

export interface DecodedRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: bigint;
  readonly schemaId: number;
  readonly value: unknown;
}

export interface CheckOptions {
  readonly bootstrap: string;
  readonly registryUrl: string;
  readonly topics: readonly string[];
  /** Called with every record that decoded, e.g. to compare values. */
  readonly onDecoded?: (record: DecodedRecord) => void;
}

/** Reads every record of every partition of `topics` (committed ones) and decodes its value. */
export async function checkDecodes(options: CheckOptions): Promise<TopicReport[]> {
  const client = kafkaClientConfig.parse({ 'bootstrap.servers': [options.bootstrap], 'client.id': 'kst-check-decodes' });
  const admin = new KafkaAdmin(client);
  const reader = new PartitionReader(client, { isolation: 'read_committed', offsetReset: 'none' });
  const serde = await AvroSerde.create<unknown>(new RegistryClient({ url: options.registryUrl }));
  try {
    const counts = await admin.partitionCounts(options.topics);
    const reports: TopicReport[] = [];
    for (const topic of options.topics) {
      const partitions = Array.from({ length: counts.get(topic) ?? 0 }, (_, partition) => ({ topic, partition }));
      const ends = await reader.endOffsets(partitions);
      let records = 0;
      let decoded = 0;
      const ids = new Set<number>();
      const failures: DecodeFailure[] = [];
      for (const end of ends) {
        if (end.offset === 0n) continue;
        const partition = { topic, partition: end.partition };
        reader.assign([{ ...partition, offset: 'earliest' }]);
        for (;;) {
          const batch = await reader.poll();
          if (batch.length > 0) {
            await serde.prepare(topic, batch.map((record) => record.value));
            for (const record of batch) {
              records += 1;
              const schemaId = peekSchemaId(record.value);
              if (schemaId !== undefined) ids.add(schemaId);
              try {
                const value = serde.deserialize(topic, record.value);
                if (record.value === null) continue;
                decoded += 1;
                options.onDecoded?.({ topic, partition: record.partition, offset: record.offset, schemaId: schemaId as number, value });
              } catch (error) {
                failures.push({ topic, partition: record.partition, offset: record.offset, schemaId, reason: isKstError(error) ? error.message : String(error) });
              }
            }
          }
          if ((reader.position(partition) ?? -1n) >= end.offset) break;
        }
        reader.unassign([partition]);
      }
      reports.push({ topic, records, decoded, schemaIds: [...ids].sort((a, b) => a - b), failures });
    }
    return reports;
  } finally {
    await reader.close();
    await admin.close();
  }
}

async function main(argv: readonly string[]): Promise<number> {
  const { endpoints, loadStackConfig } = await import('../stack/config.ts');
  const stack = endpoints(loadStackConfig());
  const named = prefixedTopics(process.env['ECOMMERCE_TOPIC_PREFIX'] ?? '');
  // JSON values name no schema: the Connect source's templates, the carts' catalog copy, the sales results (search documents).
  const json = new Set([named.notificationTemplates, named.cartCatalog, named.analyticsSales]);
  const wanted = argv.length > 0 ? argv : Object.values(named).filter((topic) => !json.has(topic));
  const admin = new KafkaAdmin(kafkaClientConfig.parse({ 'bootstrap.servers': [stack.kafkaBootstrap], 'client.id': 'kst-check-decodes' }));
  const existing = new Set(await admin.listTopics().finally(() => admin.close()));
  const topics = wanted.filter((topic) => existing.has(topic));
  for (const topic of wanted.filter((name) => !existing.has(name))) console.log(`${topic}: no such topic, skipped`);
  const reports = await checkDecodes({ bootstrap: stack.kafkaBootstrap, registryUrl: stack.registryUrl, topics });
  for (const report of reports) {
    console.log(`${report.topic}: ${report.decoded}/${report.records} decode (schema ids ${report.schemaIds.join(', ') || 'none'})`);
    for (const failure of report.failures.slice(0, 10)) console.log(`  partition ${failure.partition} offset ${failure.offset} id ${failure.schemaId ?? '-'}: ${failure.reason}`);
  }
  const failed = reports.reduce((sum, report) => sum + report.failures.length, 0);
  console.log(failed === 0 ? 'every record decodes' : `${failed} records do not decode`);
  return failed === 0 ? 0 : 1;
}

if (import.meta.main) {
  process.exitCode = await main(process.argv.slice(2));
}
