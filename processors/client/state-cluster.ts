/**
 * The client's start-up check of its state folder against the cluster: the folder
 * records the id of the cluster its state came from, and a folder of another cluster is
 * wiped before any thread opens a store (see `state/cluster-binding.ts`).
 *
 * @example
 * ```ts
 * await checkStateCluster(admin, { stateDir: '/var/lib/kstreams', applicationId: 'orders', registry });
 * ```
 */

import type { Registry } from 'prom-client';
import { bindStateToCluster, type ClusterBinding } from '../../state/cluster-binding.ts';
import { StateDirectory } from '../../state/state-directory.ts';
import type { KafkaAdmin } from '../kafka/index.ts';
import { reportStateWipe } from '../runtime/restoration/state-wipes.ts';

export interface StateClusterOptions {
  readonly stateDir: string;
  readonly applicationId: string;
  readonly registry?: Registry;
  readonly log?: (line: string) => void;
}

export async function checkStateCluster(admin: Pick<KafkaAdmin, 'clusterId'>, options: StateClusterOptions): Promise<ClusterBinding> {
  const root = new StateDirectory(options.stateDir, options.applicationId).root;
  const binding = await bindStateToCluster(root, await admin.clusterId());
  if (binding.action === 'wipe') {
    const origin = binding.recorded === undefined ? 'no recorded cluster' : `cluster ${binding.recorded}`;
    reportStateWipe({
      registry: options.registry,
      applicationId: options.applicationId,
      reason: 'cluster-changed',
      message: `state folder ${root} was of ${origin}, not of cluster ${binding.clusterId}: wiped; its stores restore from this cluster's changelogs`,
      ...(options.log === undefined ? {} : { log: options.log }),
    });
  }
  return binding;
}
