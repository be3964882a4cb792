/**
 * What every server of the local stack provides to the orchestrator (`stack.ts`): the
 * ports it needs, how to prepare and launch it, and how to tell that it serves. One file
 * per server implements this shape.
 */

import type { StackConfig } from './config.ts';
import type { LaunchSpec } from './processes.ts';
import type { PortKey } from './ports.ts';
import type { Probe } from './health.ts';

export const SERVICE_NAMES = ['kafka', 'registry', 'opensearch', 'postgres'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

export function isServiceName(name: string): name is ServiceName {
  return (SERVICE_NAMES as readonly string[]).includes(name);
}

export interface PrepareContext {
  readonly config: StackConfig;
  /** This server's own folder under the stack home (data, config). */
  readonly dir: string;
  /** The server's log, which preparation steps (storage format, initdb) append to as well. */
  readonly log: string;
  /** Reports one step, e.g. "downloading…"; the orchestrator prefixes the service name. */
  readonly progress: (step: string) => void;
}

export interface ServiceDefinition {
  readonly name: ServiceName;
  /** Servers that must be healthy before this one starts (and stop after it). */
  readonly dependsOn?: readonly ServiceName[];
  /** The port clients use, shown in progress and status. */
  mainPort(config: StackConfig): number;
  /** Every port the server binds, checked before start. */
  ports(config: StackConfig): readonly PortKey[];
  /** Checks prerequisites, downloads and unpacks what is missing, writes config; returns how to launch. */
  prepare(context: PrepareContext): Promise<LaunchSpec>;
  probe(config: StackConfig): Probe;
  /** Checks what the server needs on this machine (a JDK), before any server of an `up` starts. */
  checkPrerequisites?(config: StackConfig): void;
  /** Runs once the server is healthy (creating the platform's database). */
  afterHealthy?(config: StackConfig): Promise<void>;
}
