/**
 * Apache Kafka as a single-node KRaft cluster (broker and controller in one JVM), run
 * from the Maven Central jars rather than the release tarball: Maven is already the
 * download cache, and the jars are all a broker needs.
 */

import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KstError } from '../../common/errors.ts';
import type { StackConfig } from './config.ts';
import { kafkaAnswers } from './health.ts';
import { ensureTlsMaterial, saslSslProperties, scramFormatArgs, scramUser, type KafkaTlsMaterial } from './kafka-security.ts';
import { findJava } from './java.ts';
import { copyArtifact, copyDependencies, installOnce, pomFor } from './maven.ts';
import { logFile, runToLog } from './processes.ts';
import type { ServiceDefinition } from './service.ts';

export function kafkaLibDir(config: StackConfig): string {
  return join(config['cache.dir'], `kafka-${config['kafka.version']}`, 'lib');
}

/**
 * Kafka's log4j-core comes with no SLF4J binding, and Kafka's slf4j-api is 1.7, which
 * only the log4j-slf4j-impl bridge (not slf4j2-impl) serves; it must match log4j-core.
 */
export function log4jVersion(libFiles: readonly string[]): string | undefined {
  for (const file of libFiles) {
    const match = /^log4j-core-(\d[\w.-]*)\.jar$/.exec(file);
    if (match?.[1] !== undefined) return match[1];
  }
  return undefined;
}

async function download(config: StackConfig): Promise<void> {
  const version = config['kafka.version'];
  await installOnce(join(config['cache.dir'], `kafka-${version}`), async (staging, scratch) => {
    const lib = join(staging, 'lib');
    await copyDependencies(pomFor([`org.apache.kafka:kafka_2.13:${version}`]), scratch, lib, `Apache Kafka ${version}`);
    const log4j = log4jVersion(readdirSync(lib));
    if (log4j === undefined) throw new KstError('KST_STACK_DOWNLOAD_FAILED', `Kafka ${version} resolved no log4j-core; cannot choose an SLF4J binding`, { version });
    await copyArtifact(`org.apache.logging.log4j:log4j-slf4j-impl:${log4j}`, lib);
  });
}

/**
 * The broker's server.properties, as in STACK.md; ports and folders from the config. Besides
 * PLAINTEXT, a SASL_SSL listener (SCRAM) serves clients tested against a secured cluster.
 */
export function serverProperties(config: StackConfig, dataDir: string, tls: KafkaTlsMaterial): string {
  const host = config.host;
  const broker = config['kafka.port'];
  const sasl = config['kafka.sasl.port'];
  const controller = config['kafka.controller.port'];
  return [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@${host}:${controller}`,
    `listeners=PLAINTEXT://${host}:${broker},SASL_SSL://${host}:${sasl},CONTROLLER://${host}:${controller}`,
    `advertised.listeners=PLAINTEXT://${host}:${broker},SASL_SSL://${host}:${sasl}`,
    'inter.broker.listener.name=PLAINTEXT',
    'controller.listener.names=CONTROLLER',
    'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SASL_SSL:SASL_SSL',
    ...saslSslProperties(tls),
    `log.dirs=${dataDir}`,
    'num.partitions=1',
    'offsets.topic.replication.factor=1',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'share.coordinator.state.topic.replication.factor=1',
    'share.coordinator.state.topic.min.isr=1',
    'group.initial.rebalance.delay.ms=0',
    '',
  ].join('\n');
}

const LOG4J2_XML = `<?xml version="1.0" encoding="UTF-8"?>
<Configuration status="WARN">
  <Appenders>
    <Console name="console" target="SYSTEM_OUT"><PatternLayout pattern="[%d] %p %m (%c)%n"/></Console>
  </Appenders>
  <Loggers>
    <Root level="WARN"><AppenderRef ref="console"/></Root>
  </Loggers>
</Configuration>
`;

/**
 * A cluster id as Kafka's `Uuid.randomUuid()` makes it (16 random bytes, URL-safe
 * base64 without padding, never starting with "-"); generated here because a JVM
 * start for `StorageTool random-uuid` costs a second or two.
 */
export function clusterId(): string {
  for (;;) {
    const id = Buffer.from(randomUUID().replaceAll('-', ''), 'hex').toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

function readOrCreateClusterId(file: string): string {
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const id = clusterId();
  writeFileSync(file, `${id}\n`);
  return id;
}

/** Written once the stack's SCRAM user exists on the broker (added at format, or after start for older data). */
const SCRAM_MARKER = 'scram-user.added';

export const kafka: ServiceDefinition = {
  name: 'kafka',
  mainPort: (config) => config['kafka.port'],
  ports: () => ['kafka.port', 'kafka.sasl.port', 'kafka.controller.port'],

  async prepare({ config, dir, log, progress }) {
    const jdk = findJava({ service: 'kafka', min: 17, configured: config['kafka.java.home'], envName: 'STACK_KAFKA_JAVA_HOME' });
    const lib = kafkaLibDir(config);
    if (!existsSync(join(lib, `kafka_2.13-${config['kafka.version']}.jar`))) {
      progress('downloading…');
      await download(config);
    }
    const dataDir = join(dir, 'data');
    mkdirSync(dataDir, { recursive: true });
    const properties = join(dir, 'server.properties');
    const log4j = join(dir, 'log4j2.xml');
    progress('TLS material and SCRAM user…');
    const tls = ensureTlsMaterial(dir, config.host);
    const user = scramUser(dir);
    writeFileSync(properties, serverProperties(config, dataDir, tls));
    writeFileSync(log4j, LOG4J2_XML);
    const jvm = [`-Xms256m`, `-Xmx${config['kafka.heap.mb']}m`, '-XX:+UseG1GC', '-XX:MaxGCPauseMillis=20', '-Djava.awt.headless=true', `-Dlog4j2.configurationFile=${log4j}`];
    const classpath = `${lib}/*`;
    if (!existsSync(join(dataDir, 'meta.properties'))) {
      progress('formatting storage…');
      const id = readOrCreateClusterId(join(dir, 'cluster.id'));
      await runToLog('kafka', { command: jdk.java, args: [...jvm.slice(1), '-cp', classpath, 'kafka.tools.StorageTool', 'format', '-t', id, '-c', properties, '--ignore-formatted', ...scramFormatArgs(user)], env: process.env, cwd: dir }, log);
      writeFileSync(join(dir, SCRAM_MARKER), `${new Date().toISOString()}\n`);
    }
    return {
      command: jdk.java,
      args: [...jvm, '-cp', classpath, 'kafka.Kafka', properties],
      env: { ...process.env, JAVA_HOME: jdk.home },
      cwd: dir,
      // The properties path is under this stack's home, so it tells our broker from any other.
      marker: properties,
    };
  },

  probe: (config) => () => kafkaAnswers(`${config.host}:${config['kafka.port']}`),

  // A broker formatted before the SASL listener existed has no SCRAM user: add it once.
  async afterHealthy(config) {
    const dir = join(config.home, 'kafka');
    const marker = join(dir, SCRAM_MARKER);
    if (existsSync(marker)) return;
    const user = scramUser(dir);
    const jdk = findJava({ service: 'kafka', min: 17, configured: config['kafka.java.home'], envName: 'STACK_KAFKA_JAVA_HOME' });
    // One mechanism per request: the broker refuses to alter one user's credential twice in a request.
    for (const mechanism of ['SCRAM-SHA-512', 'SCRAM-SHA-256']) {
      await runToLog('kafka', {
        command: jdk.java,
        args: ['-Xmx256m', `-Dlog4j2.configurationFile=${join(dir, 'log4j2.xml')}`, '-cp', `${kafkaLibDir(config)}/*`, 'kafka.admin.ConfigCommand', '--bootstrap-server', `${config.host}:${config['kafka.port']}`, '--alter', '--add-config', `${mechanism}=[password=${user.password}]`, '--entity-type', 'users', '--entity-name', user.username],
        env: process.env,
        cwd: dir,
      }, logFile(config.home, 'kafka'));
    }
    writeFileSync(marker, `${new Date().toISOString()}\n`);
  },
};
