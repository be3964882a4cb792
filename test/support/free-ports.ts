/**
 * Ports for a test's own servers. They are picked below the ephemeral range (32768+) and
 * checked free: while a server of the test is down, a client reconnecting to an ephemeral
 * port could be handed that very port as its own local one and connect to itself. Random
 * picks keep parallel runs (and other people's own servers) from colliding.
 */

import { isPortFree } from '../../scripts/stack/ports.ts';

export async function freeServerPorts(count: number, host = '127.0.0.1'): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (!ports.has(port) && (await isPortFree(host, port))) ports.add(port);
  }
  return [...ports];
}
