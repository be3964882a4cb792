/**
 * Binds an application's state folder (`<state.dir>/<application.id>`) to the Kafka
 * cluster its state came from. State is a cache of changelog topics: the stores, their
 * checkpoints and the process id only mean something against the cluster that holds those
 * changelogs. A folder restored from one cluster and opened against another (a fresh
 * broker, a state folder shared by several checkouts) would answer queries with keys the
 * new cluster never had, and its checkpoints would name offsets of other logs.
 *
 * So the folder records the cluster id on first use; at start, a folder recorded for
 * another cluster, or one holding state but no record (written before the record existed,
 * so of unknown origin), is wiped, and everything is restored from this cluster's
 * changelogs. Kafka Streams has no such check; its state directory is per host and
 * usually per cluster, which this project's shared temporary folders were not.
 *
 * @example
 * ```ts
 * const outcome = await bindStateToCluster(directory.root, await admin.clusterId());
 * if (outcome.action === 'wipe') log(`state of ${outcome.recorded ?? 'an unknown cluster'} wiped`);
 * ```
 */

import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { KstError } from '../common/errors.ts';

/** The file in `<state.dir>/<application.id>` that names the cluster the state belongs to. */
export const CLUSTER_ID_FILE = 'kafka-cluster-id';

/** `record`: a new or empty folder, now bound; `keep`: bound to this cluster; `wipe`: wiped and bound. */
export type ClusterBindingAction = 'record' | 'keep' | 'wipe';

export interface ClusterBinding {
  readonly action: ClusterBindingAction;
  /** The cluster id the folder named before, when it named one. */
  readonly recorded: string | undefined;
  readonly clusterId: string;
}

/**
 * What to do with a folder that recorded `recorded` (undefined: no record) and holds
 * `entries` (file and folder names), opened against cluster `current`.
 */
export function clusterBindingAction(recorded: string | undefined, entries: readonly string[], current: string): ClusterBindingAction {
  if (recorded === current) return 'keep';
  if (recorded !== undefined) return 'wipe';
  return entries.some((entry) => entry !== CLUSTER_ID_FILE && !entry.endsWith('.tmp')) ? 'wipe' : 'record';
}

/** Checks the folder `root` against cluster `clusterId`, wipes it when it belongs elsewhere, and records the id. */
export async function bindStateToCluster(root: string, clusterId: string): Promise<ClusterBinding> {
  if (clusterId.trim() === '' || /\s/.test(clusterId)) {
    throw new KstError('KST_STORE_IO', `cannot bind state folder ${root} to cluster id ${JSON.stringify(clusterId)}`, { path: root, clusterId });
  }
  const path = join(root, CLUSTER_ID_FILE);
  let entries: string[] = [];
  try {
    entries = await readdir(root);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw io(`cannot list state folder ${root}`, root, error);
  }
  let recorded: string | undefined;
  if (entries.includes(CLUSTER_ID_FILE)) {
    recorded = (await readFile(path, 'utf8').catch((error: unknown) => { throw io(`cannot read ${path}`, root, error); })).trim();
  }
  const action = clusterBindingAction(recorded, entries, clusterId);
  try {
    if (action === 'wipe') await rm(root, { recursive: true, force: true, maxRetries: 3 });
    if (action !== 'keep') {
      await mkdir(root, { recursive: true });
      await writeFile(`${path}.tmp`, `${clusterId}\n`, 'utf8');
      await rename(`${path}.tmp`, path);
    }
  } catch (error) {
    throw io(`cannot ${action === 'wipe' ? 'wipe' : 'bind'} state folder ${root}`, root, error);
  }
  return { action, recorded, clusterId };
}

function io(message: string, root: string, error: unknown): KstError {
  return new KstError('KST_STORE_IO', `${message}: ${(error as Error).message}`, { path: root }, { cause: error });
}
