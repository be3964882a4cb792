/**
 * Static membership for the Connect worker (KIP-345), set with `CONNECT_GROUP_INSTANCE_ID`:
 * the worker joins the cluster group with that id, and each sink task it runs consumes as
 * the static member `<connector>-<task>` of the connector's group. A worker restarted
 * within the session timeout takes its old place: the cluster does not rebalance, it gets
 * the same connectors and tasks back, and their consumers take their old places in the
 * connectors' groups, so the other tasks of those connectors go on undisturbed.
 *
 * The key lives here, not in the worker config schema, and is read from the environment
 * with its own schema (same prefix), validated at start like the rest.
 *
 * @example
 * ```ts
 * const { 'group.instance.id': id } = connectMembershipConfig.fromEnv(process.env, 'CONNECT');
 * const worker = new Worker(settings, id === '' ? {} : { groupInstanceId: id });
 * ```
 */

import { defineConfig, string, type ConfigOf } from '../../common/config.ts';

export const connectMembershipConfig = defineConfig({
  'group.instance.id': string({
    default: '',
    pattern: /^[A-Za-z0-9._-]*$/,
    doc: 'Static membership: a stable id of this worker, unique in the cluster (e.g. connect-0). Needs a fixed rest.port, because the worker id (host:port) must survive the restart. Empty: a dynamic member.',
  }),
});

export type ConnectMembershipConfig = ConfigOf<typeof connectMembershipConfig.fields>;

/** The group.instance.id of a sink task's consumer: the task's own, whichever worker runs it. */
export function taskInstanceId(connector: string, taskId: number): string {
  return `${connector}-${taskId}`;
}
