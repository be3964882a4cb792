/**
 * The recovery benchmark's output values: "<instance>#<incarnation>:<count>", written by
 * both engines' children. The instance is the static member's name (`a`, `b`); the
 * incarnation counts its starts, so a record tells which process wrote it.
 */

export interface Marker {
  readonly instance: string;
  readonly incarnation: number;
}

export function formatMarker(marker: Marker): string {
  return `${marker.instance}#${marker.incarnation}`;
}

/** The marker and count of an output value, or undefined if it is not one. */
export function parseOutputValue(value: string): { readonly marker: Marker; readonly count: number } | undefined {
  const match = /^([A-Za-z0-9_-]+)#(\d+):(\d+)$/.exec(value);
  if (match === null) return undefined;
  return { marker: { instance: match[1] as string, incarnation: Number(match[2]) }, count: Number(match[3]) };
}
