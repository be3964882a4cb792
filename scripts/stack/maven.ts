/**
 * Downloads through Maven: Maven Central is where every server's distribution is
 * published, and ~/.m2 is then the download cache shared by every checkout. What is
 * unpacked from it goes into the stack's cache folder, built in a scratch folder and
 * renamed into place, so an interrupted download never leaves half a distribution that
 * a later `up` would trust.
 */

import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { KstError } from '../../common/errors.ts';

const DEPENDENCY_PLUGIN = 'org.apache.maven.plugins:maven-dependency-plugin:3.7.1';

function onPath(program: string): boolean {
  return (process.env['PATH'] ?? '').split(delimiter).some((dir) => dir !== '' && existsSync(join(dir, program)));
}

export function requireProgram(program: string, why: string, install: string): void {
  if (!onPath(program)) {
    throw new KstError('KST_STACK_PREREQUISITE_MISSING', `\`${program}\` is needed ${why} but is not on the PATH; install it (${install})`, { program });
  }
}

function exec(command: string, args: readonly string[], cwd?: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
      resolve({ code, output: `${stdout}${stderr}${error !== null && code === 1 && stdout === '' && stderr === '' ? error.message : ''}` });
    });
  });
}

// Maven's local repository is not safe for concurrent writers of the same files; the
// servers start concurrently, so their downloads take turns.
let queue: Promise<unknown> = Promise.resolve();

async function mvn(args: readonly string[], what: string): Promise<void> {
  requireProgram('mvn', 'to download the servers from Maven Central', 'e.g. `apt-get install maven`');
  const turn = queue.then(() => exec('mvn', ['-B', '-q', ...args]));
  queue = turn.catch(() => undefined);
  const { code, output } = await turn;
  if (code !== 0) {
    const lines = output.trimEnd().split('\n').slice(-20).join('\n');
    throw new KstError('KST_STACK_DOWNLOAD_FAILED', `downloading ${what} with Maven failed (exit ${code}):\n${lines}`, { what });
  }
}

/** Copies the runtime dependencies of a one-dependency project (`pom`) into `outputDir`. */
export async function copyDependencies(pom: string, scratch: string, outputDir: string, what: string): Promise<void> {
  const pomFile = join(scratch, 'pom.xml');
  writeFileSync(pomFile, pom);
  await mvn(['-f', pomFile, `${DEPENDENCY_PLUGIN}:copy-dependencies`, '-DincludeScope=runtime', `-DoutputDirectory=${outputDir}`], what);
}

/** Copies one artifact (`group:artifact:version[:type[:classifier]]`) into `outputDir` and returns its path. */
export async function copyArtifact(coordinates: string, outputDir: string): Promise<string> {
  mkdirSync(outputDir, { recursive: true });
  const before = new Set(readdirSync(outputDir));
  await mvn([`${DEPENDENCY_PLUGIN}:copy`, `-Dartifact=${coordinates}`, `-DoutputDirectory=${outputDir}`], coordinates);
  const added = readdirSync(outputDir).filter((name) => !before.has(name));
  const file = added[0];
  if (file === undefined) throw new KstError('KST_STACK_DOWNLOAD_FAILED', `Maven reported success but copied nothing for ${coordinates}`, { coordinates });
  return join(outputDir, file);
}

/** A Maven project that depends on `dependencies` (group:artifact:version), for copy-dependencies. */
export function pomFor(dependencies: readonly string[]): string {
  const items = dependencies.map((coordinates) => {
    const [groupId, artifactId, version] = coordinates.split(':');
    return `    <dependency><groupId>${groupId}</groupId><artifactId>${artifactId}</artifactId><version>${version}</version></dependency>`;
  });
  return [
    '<project xmlns="http://maven.apache.org/POM/4.0.0">',
    '  <modelVersion>4.0.0</modelVersion>',
    '  <groupId>local.kstack</groupId><artifactId>stack-download</artifactId><version>1</version>',
    '  <dependencies>',
    ...items,
    '  </dependencies>',
    '</project>',
    '',
  ].join('\n');
}

/** Unpacks a .tar.gz or .zip archive into `dir` with the system's tar/unzip (they keep the executable bits). */
export async function unpack(archive: string, dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const zip = archive.endsWith('.zip');
  const program = zip ? 'unzip' : 'tar';
  requireProgram(program, `to unpack ${archive}`, `e.g. \`apt-get install ${program}\``);
  const { code, output } = await exec(program, zip ? ['-q', '-o', archive, '-d', dir] : ['-xzf', archive, '-C', dir]);
  if (code !== 0) throw new KstError('KST_STACK_DOWNLOAD_FAILED', `unpacking ${archive} failed: ${output.trim()}`, { archive });
}

/**
 * Builds `target` once. `build` receives a staging path (not yet existing) to create
 * and a scratch folder for downloads; the staging folder is renamed to `target` only
 * when the build succeeded. Returns false when `target` already existed.
 */
export async function installOnce(target: string, build: (staging: string, scratch: string) => Promise<void>): Promise<boolean> {
  if (existsSync(target)) return false;
  const suffix = `${process.pid}-${Date.now().toString(36)}`;
  const staging = `${target}.partial-${suffix}`;
  const scratch = `${target}.scratch-${suffix}`;
  mkdirSync(scratch, { recursive: true });
  try {
    await build(staging, scratch);
    try {
      renameSync(staging, target);
    } catch (error) {
      // Another `up` finished the same install first; theirs is as good as ours.
      if (!existsSync(target)) throw error;
    }
    return true;
  } finally {
    rmSync(staging, { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
  }
}
