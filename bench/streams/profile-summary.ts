/**
 * Summarises a V8 CPU profile (`node --cpu-prof`) of our bench child: self time by
 * function and by area (a project folder, a package in node_modules, V8's own
 * buckets such as the garbage collector and idle time), the two views that say where a
 * stream thread spends its time.
 *
 *   node bench/streams/profile-summary.ts <file.cpuprofile> [top]
 */

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
  readonly hitCount?: number;
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples?: readonly number[];
  readonly timeDeltas?: readonly number[];
}

export interface Share {
  readonly name: string;
  readonly ms: number;
  readonly percent: number;
}

export interface ProfileSummary {
  readonly file: string;
  readonly totalMs: number;
  /** Total minus idle: what the process actually spent on the CPU. */
  readonly busyMs: number;
  readonly functions: readonly Share[];
  readonly areas: readonly Share[];
}

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Where a function lives: `node_modules/<package>`, a project folder (`processors/runtime`), `node:` internals, or V8's bucket. */
export function areaOf(frame: CallFrame): string {
  const url = frame.url;
  if (url === '') return frame.functionName.startsWith('(') ? frame.functionName : '(native)';
  if (url.startsWith('node:')) return 'node: internals';
  const path = url.replace(/^file:\/\//, '');
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  if (modules?.[1] !== undefined) return modules[1];
  const relative = path.startsWith(repoRoot) ? path.slice(repoRoot.length) : path;
  const parts = relative.split('/');
  return parts.length > 2 ? `${parts[0]}/${parts[1]}` : (parts[0] ?? relative);
}

function shares(totals: Map<string, number>, whole: number, top: number): Share[] {
  return [...totals.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, ms]) => ({ name, ms: Math.round(ms), percent: Math.round((ms / whole) * 1000) / 10 }));
}

export function summariseProfile(file: string, top = 20): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  // Self time per node from the sample timeline (exact), falling back to hit counts.
  const selfUs = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    const id = samples[i] as number;
    const next = deltas[i + 1] ?? 0;
    selfUs.set(id, (selfUs.get(id) ?? 0) + next);
  }
  const functions = new Map<string, number>();
  const areas = new Map<string, number>();
  let idleMs = 0;
  let totalMs = 0;
  for (const [id, us] of selfUs) {
    const frame = (byId.get(id) as ProfileNode).callFrame;
    const ms = us / 1000;
    totalMs += ms;
    if (frame.functionName === '(idle)') {
      idleMs += ms;
      continue;
    }
    const path = frame.url.replace(/^file:\/\//, '').replace(repoRoot, '');
    const name = `${frame.functionName || '(anonymous)'} ${path === '' ? '' : `${path}:${frame.lineNumber + 1}`}`.trim();
    functions.set(name, (functions.get(name) ?? 0) + ms);
    const area = areaOf(frame);
    areas.set(area, (areas.get(area) ?? 0) + ms);
  }
  const busyMs = totalMs - idleMs;
  return { file, totalMs: Math.round(totalMs), busyMs: Math.round(busyMs), functions: shares(functions, busyMs, top), areas: shares(areas, busyMs, top) };
}

export function formatProfile(summary: ProfileSummary): string {
  const row = (share: Share): string => `  ${share.percent.toFixed(1).padStart(5)}%  ${String(share.ms).padStart(6)} ms  ${share.name}`;
  return [
    `${summary.file}: ${summary.totalMs} ms sampled, ${summary.busyMs} ms busy (not idle); shares are of busy time`,
    ' by area (self time):',
    ...summary.areas.map(row),
    ' by function (self time):',
    ...summary.functions.map(row),
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const file = process.argv[2];
  if (file === undefined) {
    console.error('usage: node bench/streams/profile-summary.ts <file.cpuprofile> [top]');
    process.exit(2);
  }
  console.log(formatProfile(summariseProfile(file, Number(process.argv[3] ?? 25))));
}
