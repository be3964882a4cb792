/**
 * Finds a JDK for each server. The servers disagree on Java versions (Kafka 4.1 wants
 * 17+, Apicurio Registry 3.x is compiled for 21, OpenSearch 2.x needs the Security
 * Manager that Java 24 removed), so one `java` on the PATH is not enough: each server
 * asks for a version range and gets the oldest installed JDK inside it.
 */

import { existsSync, readFileSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { KstError } from '../../common/errors.ts';

export interface JavaHome {
  readonly home: string;
  readonly major: number;
  /** The `java` launcher inside `home`. */
  readonly java: string;
}

export interface JavaRequirement {
  /** Who needs it, for the error message. */
  readonly service: string;
  readonly min: number;
  readonly max?: number;
  /** A JDK the user configured; empty means detect. */
  readonly configured: string;
  /** The environment variable that sets `configured`, named in errors. */
  readonly envName: string;
}

/** The major version of the JDK at `home`, from its `release` file or the launcher's output; undefined when it is not a JDK. */
export function javaMajor(home: string): number | undefined {
  const release = join(home, 'release');
  if (existsSync(release)) {
    const match = /^JAVA_VERSION="([^"]+)"/m.exec(readFileSync(release, 'utf8'));
    if (match?.[1] !== undefined) return parseMajor(match[1]);
  }
  return undefined;
}

/** "17.0.15" → 17, "1.8.0_392" → 8, "25" → 25. */
export function parseMajor(version: string): number | undefined {
  const parts = version.split(/[._+-]/).map((part) => Number.parseInt(part, 10));
  const major = parts[0] === 1 ? parts[1] : parts[0];
  return major !== undefined && Number.isSafeInteger(major) ? major : undefined;
}

function launcher(home: string): string {
  return join(home, 'bin', 'java');
}

function isExecutable(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** JDK folders worth looking at, most explicit first, without duplicates. */
export function candidateHomes(env: Readonly<Record<string, string | undefined>> = process.env, roots: readonly string[] = ['/usr/lib/jvm']): string[] {
  const found: string[] = [];
  const add = (home: string | undefined): void => {
    if (home === undefined || home === '' || !isExecutable(launcher(home))) return;
    let real: string;
    try {
      real = realpathSync(home);
    } catch {
      return;
    }
    if (!found.includes(real)) found.push(real);
  };
  add(env['JAVA_HOME']);
  for (const root of roots) {
    let names: string[];
    try {
      names = readdirSync(root).sort();
    } catch {
      continue;
    }
    for (const name of names) add(join(root, name));
  }
  for (const folder of (env['PATH'] ?? '').split(delimiter)) {
    const java = join(folder, 'java');
    if (folder !== '' && isExecutable(java)) add(dirname(dirname(realpathSync(java))));
  }
  return found;
}

function describeRange(requirement: JavaRequirement): string {
  return requirement.max === undefined ? `${requirement.min} or newer` : `${requirement.min} to ${requirement.max}`;
}

function inRange(major: number, requirement: JavaRequirement): boolean {
  return major >= requirement.min && (requirement.max === undefined || major <= requirement.max);
}

/**
 * The JDK a server runs on: the configured one (which must fit), else the oldest
 * installed JDK in range, since the oldest fitting one is what the server was tested on.
 *
 * @example
 * ```ts
 * const jdk = findJava({ service: 'registry', min: 21, configured: '', envName: 'STACK_REGISTRY_JAVA_HOME' });
 * spawn(jdk.java, ['-jar', 'quarkus-run.jar']);
 * ```
 */
export function findJava(requirement: JavaRequirement, candidates: readonly string[] = candidateHomes()): JavaHome {
  const range = describeRange(requirement);
  if (requirement.configured !== '') {
    const major = javaMajor(requirement.configured);
    if (major === undefined || !isExecutable(launcher(requirement.configured))) {
      throw new KstError('KST_STACK_PREREQUISITE_MISSING', `${requirement.service} needs a JDK ${range}, but ${requirement.envName}=${requirement.configured} is not a JDK (no release file or bin/java)`, { service: requirement.service, home: requirement.configured });
    }
    if (!inRange(major, requirement)) {
      throw new KstError('KST_STACK_PREREQUISITE_MISSING', `${requirement.service} needs a JDK ${range}, but ${requirement.envName}=${requirement.configured} is Java ${major}`, { service: requirement.service, home: requirement.configured, major });
    }
    return { home: requirement.configured, major, java: launcher(requirement.configured) };
  }
  const usable = candidates
    .map((home) => ({ home, major: javaMajor(home) }))
    .filter((jdk): jdk is { home: string; major: number } => jdk.major !== undefined);
  const fitting = usable.filter((jdk) => inRange(jdk.major, requirement)).sort((a, b) => a.major - b.major);
  const best = fitting[0];
  if (best === undefined) {
    const seen = usable.length === 0 ? 'no JDK at all' : usable.map((jdk) => `Java ${jdk.major} at ${jdk.home}`).join(', ');
    throw new KstError(
      'KST_STACK_PREREQUISITE_MISSING',
      `${requirement.service} needs a JDK ${range}; found ${seen}. Install one (for example \`apt-get install openjdk-${requirement.max ?? Math.max(requirement.min, 21)}-jdk-headless\`, or a Temurin JDK under /usr/lib/jvm) or point ${requirement.envName} at it`,
      { service: requirement.service, min: requirement.min, max: requirement.max },
    );
  }
  return { home: best.home, major: best.major, java: launcher(best.home) };
}
