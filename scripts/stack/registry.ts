/**
 * The schema registry: Apicurio Registry 3.x, whose Confluent-compatible API
 * (`/apis/ccompat/v7`) our Avro serdes use. It is a Quarkus application shipped as a
 * tarball on Maven Central. Its storage is KafkaSQL: every change is a record on a journal
 * topic of the stack's broker, replayed into an in-memory database at start, so schemas
 * (and their ids) live as long as the records that name them, across restarts.
 */

import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { StackConfig } from './config.ts';
import { httpOk } from './health.ts';
import { findJava } from './java.ts';
import { copyArtifact, installOnce, unpack } from './maven.ts';
import type { ServiceDefinition } from './service.ts';

export function registryDistDir(config: StackConfig): string {
  return join(config['cache.dir'], `apicurio-registry-${config['registry.version']}`);
}

/** Finds `quarkus-run.jar` a few levels down: its folder has moved between releases. */
export function findQuarkusRunJar(dir: string, depth = 3): string | undefined {
  let entries: string[];
  try {
    entries = readdirSync(dir).sort();
  } catch {
    return undefined;
  }
  if (entries.includes('quarkus-run.jar')) return join(dir, 'quarkus-run.jar');
  if (depth === 0) return undefined;
  for (const entry of entries) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) {
      const found = findQuarkusRunJar(path, depth - 1);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

async function download(config: StackConfig): Promise<void> {
  const coordinates = `io.apicurio:apicurio-registry-app:${config['registry.version']}:tar.gz:all`;
  await installOnce(registryDistDir(config), async (staging, scratch) => {
    const archive = await copyArtifact(coordinates, scratch);
    await unpack(archive, staging);
  });
}

/** The registry's journal topic, on the stack's broker; its snapshots topic is next to it. */
export const REGISTRY_JOURNAL_TOPIC = 'kafkasql-journal';
export const REGISTRY_SNAPSHOTS_TOPIC = 'kafkasql-snapshots';

/**
 * The system properties that make the registry keep its state in Kafka. One broker: every
 * topic the registry creates gets replication factor 1 (the snapshots and events topics
 * inherit the journal's topic properties).
 */
export function kafkaSqlProperties(config: StackConfig, dir: string): string[] {
  return [
    '-Dapicurio.storage.kind=kafkasql',
    `-Dapicurio.kafkasql.bootstrap.servers=${config.host}:${config['kafka.port']}`,
    `-Dapicurio.kafkasql.topic=${REGISTRY_JOURNAL_TOPIC}`,
    `-Dapicurio.kafkasql.snapshots.topic=${REGISTRY_SNAPSHOTS_TOPIC}`,
    `-Dapicurio.storage.snapshot.location=${dir}`,
    // At start the registry polls the snapshots topic, then the journal, until a poll comes
    // back empty: the default 5 s per empty poll made start-up 10 s slower.
    '-Dapicurio.kafkasql.consumer.poll.timeout=500',
  ];
}

export function registryUrl(config: StackConfig): string {
  return `http://${config.host}:${config['registry.port']}`;
}

export const registry: ServiceDefinition = {
  name: 'registry',
  dependsOn: ['kafka'],
  mainPort: (config) => config['registry.port'],
  ports: () => ['registry.port', 'registry.management.port'],

  checkPrerequisites(config) {
    findJava({ service: 'registry (Apicurio Registry 3.x)', min: 21, configured: config['registry.java.home'], envName: 'STACK_REGISTRY_JAVA_HOME' });
  },

  async prepare({ config, dir, progress }) {
    const jdk = findJava({ service: 'registry (Apicurio Registry 3.x)', min: 21, configured: config['registry.java.home'], envName: 'STACK_REGISTRY_JAVA_HOME' });
    const dist = registryDistDir(config);
    if (findQuarkusRunJar(dist) === undefined) {
      progress('downloading…');
      await download(config);
    }
    const jar = findQuarkusRunJar(dist);
    if (jar === undefined) throw new Error(`no quarkus-run.jar under ${dist}; remove that folder to download again`);
    mkdirSync(dir, { recursive: true });
    const cds = join(config['cache.dir'], 'cds');
    mkdirSync(cds, { recursive: true });
    const heap = config['registry.heap.mb'];
    return {
      command: jdk.java,
      args: [
        `-Xms${Math.min(256, heap)}m`,
        `-Xmx${heap}m`,
        '-XX:+UseSerialGC',
        // Start-up is CPU-bound on two cores and the registry serves few requests (clients
        // cache schema ids): C1 alone and a class-data archive (JDK 19+, made on the first
        // run, reused after) take it from about 4.3 s to 2.5 s.
        '-XX:TieredStopAtLevel=1',
        '-XX:+AutoCreateSharedArchive',
        '-Xlog:cds=off',
        `-XX:SharedArchiveFile=${join(cds, `apicurio-registry-${config['registry.version']}-java${jdk.major}.jsa`)}`,
        // Tells our process from any other registry in /proc/<pid>/cmdline.
        `-Dkstack.instance=${dir}`,
        `-Dquarkus.http.host=${config.host}`,
        `-Dquarkus.http.port=${config['registry.port']}`,
        `-Dquarkus.management.host=${config.host}`,
        `-Dquarkus.management.port=${config['registry.management.port']}`,
        `-Djava.io.tmpdir=${dir}`,
        ...kafkaSqlProperties(config, dir),
        '-jar',
        jar,
      ],
      env: { ...process.env, JAVA_HOME: jdk.home },
      cwd: dir,
      marker: `-Dkstack.instance=${dir}`,
    };
  },

  // The API answers before the journal is replayed; readiness waits for the replay
  // (PersistenceSimpleReadinessCheck), so no client sees an empty registry.
  probe: (config) => async () =>
    (await httpOk(`http://${config.host}:${config['registry.management.port']}/health/ready`)) && httpOk(`${registryUrl(config)}/apis/ccompat/v7/subjects`),
};

