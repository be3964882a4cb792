/**
 * OpenSearch 2.x from its integ-test zip (core, HTTP and the index/bulk/search APIs; no
 * security plugin, so plain HTTP). It refuses to run as root and needs the Security
 * Manager (Java 17 to 21), so as root it runs as the stack's service user on a JDK
 * chosen for it.
 */

import { cpSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { StackConfig } from './config.ts';
import { httpOk } from './health.ts';
import { findJava } from './java.ts';
import { copyArtifact, installOnce, unpack } from './maven.ts';
import type { ServiceDefinition } from './service.ts';
import { chownTree, makeReachable, serviceCache, serviceHome, serviceUser, type ServiceUser } from './user.ts';

function opensearchDistDir(config: StackConfig, user: ServiceUser | undefined): string {
  return join(makeReachable(serviceCache(config, user), user), `opensearch-${config['opensearch.version']}`);
}

async function download(config: StackConfig, dist: string): Promise<void> {
  const version = config['opensearch.version'];
  await installOnce(dist, async (staging, scratch) => {
    const archive = await copyArtifact(`org.opensearch.distribution.integ-test-zip:opensearch:${version}:zip`, join(scratch, 'download'));
    const unpacked = join(scratch, 'unpacked');
    await unpack(archive, unpacked);
    // The zip holds one top folder, opensearch-<version>/.
    cpSync(join(unpacked, `opensearch-${version}`), staging, { recursive: true, verbatimSymlinks: true });
  });
}

export function opensearchUrl(config: StackConfig): string {
  return `http://${config.host}:${config['opensearch.port']}`;
}

export const opensearch: ServiceDefinition = {
  name: 'opensearch',
  mainPort: (config) => config['opensearch.port'],
  ports: () => ['opensearch.port', 'opensearch.transport.port'],

  async prepare({ config, progress }) {
    const jdk = findJava({ service: 'opensearch (OpenSearch 2.x)', min: 17, max: 21, configured: config['opensearch.java.home'], envName: 'STACK_OPENSEARCH_JAVA_HOME' });
    const user = await serviceUser(config['service.user']);
    const dist = opensearchDistDir(config, user);
    if (!existsSync(join(dist, 'bin', 'opensearch'))) {
      progress('downloading…');
      await download(config, dist);
      await chownTree(dist, user);
    }
    const dir = join(makeReachable(serviceHome(config, user), user), 'opensearch');
    // Config, data, logs and temp files live under the stack home, owned by the user
    // that runs the server; the distribution in the shared cache is only read.
    const conf = join(dir, 'config');
    const data = join(dir, 'data');
    const logs = join(dir, 'logs');
    const tmp = join(dir, 'tmp');
    if (!existsSync(join(conf, 'jvm.options'))) cpSync(join(dist, 'config'), conf, { recursive: true });
    for (const folder of [data, logs, tmp]) mkdirSync(folder, { recursive: true });
    await chownTree(dir, user);
    const heap = config['opensearch.heap.mb'];
    return {
      command: join(dist, 'bin', 'opensearch'),
      args: [
        '-Ecluster.name=kstack',
        '-Enode.name=kstack-1',
        '-Ediscovery.type=single-node',
        `-Enetwork.host=${config.host}`,
        `-Ehttp.port=${config['opensearch.port']}`,
        `-Etransport.port=${config['opensearch.transport.port']}`,
        '-Ecluster.routing.allocation.disk.threshold_enabled=false',
        `-Epath.data=${data}`,
        `-Epath.logs=${logs}`,
      ],
      env: {
        ...process.env,
        JAVA_HOME: jdk.home,
        OPENSEARCH_JAVA_HOME: jdk.home,
        OPENSEARCH_JAVA_OPTS: `-Xms${heap}m -Xmx${heap}m`,
        OPENSEARCH_PATH_CONF: conf,
        OPENSEARCH_TMPDIR: tmp,
        HOME: dir,
      },
      // jvm.options writes gc.log and heap dumps relative to the working directory.
      cwd: dir,
      ...(user === undefined ? {} : { uid: user.uid, gid: user.gid }),
      // In the command line both of the launcher script and of the JVM it execs into.
      marker: `-Epath.data=${data}`,
    };
  },

  probe: (config) => () => httpOk(`${opensearchUrl(config)}/_cluster/health?wait_for_status=yellow&timeout=2s`, 5000),
};
