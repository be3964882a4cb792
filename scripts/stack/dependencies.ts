/**
 * Start and stop order of the stack's servers. A server may need another one serving
 * before it starts (the schema registry keeps its schemas in a Kafka topic, so it needs
 * the broker); `up` starts what is independent concurrently and a dependent once what it
 * needs is healthy, `down` stops a dependent before what it needs.
 */

import { KstError } from '../../common/errors.ts';
import type { ServiceName } from './service.ts';

export type DependsOn = (name: ServiceName) => readonly ServiceName[];

/**
 * The requested services and, transitively, every service they need, in request order
 * with the needed ones first (`up registry` also brings up `kafka`).
 */
export function withDependencies(requested: readonly ServiceName[], dependsOn: DependsOn): ServiceName[] {
  const result: ServiceName[] = [];
  const visiting = new Set<ServiceName>();
  const visit = (name: ServiceName): void => {
    if (result.includes(name)) return;
    if (visiting.has(name)) throw new KstError('KST_CONFIG_INVALID', `stack services depend on each other in a cycle through ${name}`, { key: 'dependsOn', value: name });
    visiting.add(name);
    for (const needed of dependsOn(name)) visit(needed);
    visiting.delete(name);
    result.push(name);
  };
  for (const name of requested) visit(name);
  return result;
}

/**
 * The services to stop, in waves: each wave holds those no service of a later wave
 * needs, so a dependent stops before what it needs (the registry before the broker).
 * Services within a wave stop concurrently.
 */
export function stopWaves(names: readonly ServiceName[], dependsOn: DependsOn): ServiceName[][] {
  const waves: ServiceName[][] = [];
  let left = [...names];
  while (left.length > 0) {
    const needed = new Set(left.flatMap((name) => dependsOn(name)));
    const wave = left.filter((name) => !needed.has(name));
    if (wave.length === 0) throw new KstError('KST_CONFIG_INVALID', `stack services depend on each other in a cycle among ${left.join(', ')}`, { key: 'dependsOn', value: left });
    waves.push(wave);
    left = left.filter((name) => !wave.includes(name));
  }
  return waves;
}
