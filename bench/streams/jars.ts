/**
 * The Java side of the streams benchmark: Apache Kafka Streams (the baseline) and
 * Kafka's own perf tools (the physical limit), copied from Maven Central with the
 * stack's Maven helpers into `.cache/bench/`, once. Nothing of them enters our code;
 * only our own Java program (`bench/java/StreamsBench.java`) uses the library.
 */

import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KstError } from '../../common/errors.ts';
import { findJava, type JavaHome } from '../../scripts/stack/java.ts';
import { copyArtifact, copyDependencies, installOnce, pomFor } from '../../scripts/stack/maven.ts';

export const KAFKA_VERSION = '4.1.2';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const BENCH_CACHE = join(repoRoot, '.cache', 'bench');
export const STREAMS_PROGRAM = join(repoRoot, 'bench', 'java', 'StreamsBench.java');
/** The recovery benchmark's Kafka Streams instance (`bench/recovery/run.ts`). */
export const RECOVERY_PROGRAM = join(repoRoot, 'bench', 'java', 'RecoveryBench.java');

export interface JavaSide {
  readonly jdk: JavaHome;
  /** Classpath (a `dir/*` wildcard) of kafka-streams and an SLF4J binding. */
  readonly streamsClasspath: string;
  /** Where `StreamsBench.java` and `RecoveryBench.java` were compiled to, so no contender (or restart) pays for compiling them. */
  readonly compiledDir: string;
  /** Classpath of kafka-tools (ConsumerPerformance, ProducerPerformance, GetOffsetShell). */
  readonly toolsClasspath: string;
}

/** The slf4j-api version a resolved lib folder holds; the binding must share its major line. */
export function slf4jApiVersion(files: readonly string[]): string | undefined {
  for (const file of files) {
    const match = /^slf4j-api-(\d[\w.-]*)\.jar$/.exec(file);
    if (match?.[1] !== undefined) return match[1];
  }
  return undefined;
}

async function libraryDir(name: string, dependencies: readonly string[], withBinding: boolean): Promise<string> {
  const target = join(BENCH_CACHE, `${name}-${KAFKA_VERSION}`);
  await installOnce(target, async (staging, scratch) => {
    const lib = join(staging, 'lib');
    await copyDependencies(pomFor(dependencies), scratch, lib, `${name} ${KAFKA_VERSION}`);
    if (!withBinding) return;
    const api = slf4jApiVersion(readdirSync(lib));
    if (api === undefined) throw new KstError('KST_STACK_DOWNLOAD_FAILED', `${name} resolved no slf4j-api; cannot choose slf4j-simple`, { name });
    await copyArtifact(`org.slf4j:slf4j-simple:${api}`, lib);
  });
  const lib = join(target, 'lib');
  if (!existsSync(lib)) throw new KstError('KST_STACK_DOWNLOAD_FAILED', `${lib} is missing after the download`, { lib });
  return lib;
}

/**
 * Compiles our Java programs once per run: a single-file source launch would compile
 * them inside the timed start-up of every Kafka Streams contender (and restart).
 */
function compile(jdk: JavaHome, classpath: string): Promise<string> {
  const out = join(BENCH_CACHE, 'classes');
  mkdirSync(out, { recursive: true });
  return new Promise((resolve, reject) => {
    execFile(join(jdk.home, 'bin', 'javac'), ['-cp', classpath, '-d', out, STREAMS_PROGRAM, RECOVERY_PROGRAM], (error, _stdout, stderr) => {
      if (error !== null) reject(new Error(`compiling ${STREAMS_PROGRAM} and ${RECOVERY_PROGRAM} failed:\n${stderr}`));
      else resolve(out);
    });
  });
}

/**
 * Downloads (first time only) and locates the Java side. Java 17 is what the machine
 * has and what Kafka 4.1 clients need at least.
 */
export async function prepareJavaSide(): Promise<JavaSide> {
  const jdk = findJava({ service: 'Kafka Streams benchmark', min: 17, configured: process.env['BENCH_JAVA_HOME'] ?? '', envName: 'BENCH_JAVA_HOME' });
  const [streams, tools] = await Promise.all([
    libraryDir('kafka-streams', [`org.apache.kafka:kafka-streams:${KAFKA_VERSION}`], true),
    libraryDir('kafka-tools', [`org.apache.kafka:kafka-tools:${KAFKA_VERSION}`], false),
  ]);
  const streamsClasspath = `${streams}/*`;
  return { jdk, streamsClasspath, compiledDir: await compile(jdk, streamsClasspath), toolsClasspath: `${tools}/*` };
}
