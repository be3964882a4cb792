/**
 * The local stack's settings: one schema, read from `STACK_*` environment variables.
 * Every port is configurable; the defaults are those of docs/ARCHITECTURE.md.
 */

import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { defineConfig, integer, port, string, type ConfigOf } from '../../common/config.ts';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export const stackConfigSchema = defineConfig({
  home: string({ default: join(repoRoot, '.stack'), doc: 'Folder for server data, logs and PID files.' }),
  'cache.dir': string({ default: join(repoRoot, '.cache', 'stack'), doc: 'Folder where downloaded distributions are unpacked (downloads themselves go to the Maven local repository).' }),
  host: string({ default: '127.0.0.1', doc: 'Address every server binds to.' }),
  'kafka.version': string({ default: '4.1.2', doc: 'Apache Kafka version (Maven Central `org.apache.kafka:kafka_2.13`).' }),
  'kafka.port': port({ default: 9092, doc: 'Kafka broker listener.' }),
  'kafka.sasl.port': port({ default: 9094, doc: 'Kafka SASL_SSL listener (SCRAM-SHA-512/256, TLS with the stack\'s own CA), for clients tested against a secured cluster.' }),
  'kafka.controller.port': port({ default: 9093, doc: 'Kafka KRaft controller listener.' }),
  'kafka.heap.mb': integer({ default: 768, min: 256, doc: 'Kafka JVM heap (-Xmx), in MiB.' }),
  'registry.version': string({ default: '3.3.3', doc: 'Apicurio Registry version (Maven Central `io.apicurio:apicurio-registry-app`).' }),
  'registry.port': port({ default: 8081, doc: 'Schema registry HTTP port; the Confluent-compatible API is under /apis/ccompat/v7.' }),
  'registry.management.port': port({ default: 9001, doc: 'Schema registry management (health) port.' }),
  'registry.heap.mb': integer({ default: 512, min: 256, doc: 'Schema registry JVM heap, in MiB.' }),
  'opensearch.version': string({ default: '2.19.6', doc: 'OpenSearch version (Maven Central integ-test zip).' }),
  'opensearch.port': port({ default: 9200, doc: 'OpenSearch HTTP port.' }),
  'opensearch.transport.port': port({ default: 9300, doc: 'OpenSearch transport port.' }),
  'opensearch.heap.mb': integer({ default: 512, min: 256, doc: 'OpenSearch JVM heap, in MiB.' }),
  'postgres.port': port({ default: 5432, doc: 'PostgreSQL port.' }),
  'postgres.user': string({ default: 'postgres', doc: 'PostgreSQL superuser name.' }),
  'postgres.password': string({ default: 'postgres', doc: 'PostgreSQL superuser password.' }),
  'postgres.database': string({ default: 'kstreams', doc: 'Database created for the platform.' }),
  'start.timeout.ms': integer({ default: 180_000, min: 1000, doc: 'How long to wait for one server to become healthy.' }),
  'stop.timeout.ms': integer({ default: 30_000, min: 100, doc: 'How long a server may take to exit after SIGTERM before it is killed.' }),
  'service.user': string({ default: 'kstack', doc: 'System user that runs OpenSearch and PostgreSQL when the stack is started as root (both refuse root); created if missing.' }),
  // An empty default means "detect": JAVA_HOME, then /usr/lib/jvm/*, then `java` on the PATH.
  'kafka.java.home': string({ default: '', doc: 'JDK for Kafka (17+); empty: detect.' }),
  'registry.java.home': string({ default: '', doc: 'JDK for the schema registry (21+, Apicurio 3.x is built for Java 21); empty: detect.' }),
  'opensearch.java.home': string({ default: '', doc: 'JDK for OpenSearch 2.x (17 to 21; it needs the Security Manager, removed in Java 24); empty: detect.' }),
});

export type StackConfig = ConfigOf<typeof stackConfigSchema.fields>;

export function loadStackConfig(env: Readonly<Record<string, string | undefined>> = process.env): StackConfig {
  return stackConfigSchema.fromEnv(env, 'STACK');
}

/** Where clients reach each server, derived from the config. */
export function endpoints(config: StackConfig) {
  return {
    kafkaBootstrap: `${config.host}:${config['kafka.port']}`,
    registryUrl: `http://${config.host}:${config['registry.port']}/apis/ccompat/v7`,
    opensearchUrl: `http://${config.host}:${config['opensearch.port']}`,
    postgresUrl: `postgres://${config['postgres.user']}:${config['postgres.password']}@${config.host}:${config['postgres.port']}/${config['postgres.database']}`,
  } as const;
}
