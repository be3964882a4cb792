/**
 * Moves files or folders with `git mv` and rewrites every path that points at them: relative
 * import specifiers and path strings (`'../x/y.ts'`, `new URL('./z/', import.meta.url)`) in
 * every tracked .ts/.js/.md/.json file, and repo-relative mentions in prose (`x/y.ts`).
 * Benchmark results and BENCHMARKS.md are history and stay as they are.
 *
 * With --rewrite-only nothing moves: the files are where they are (say, a branch written
 * before the move, now merged), and the paths that still point at an old place are rewritten.
 *
 * @example
 * ```sh
 * node scripts/move-paths.js topologies/kstream.ts=processors/dsl/kstream.ts topologies/compiler=processors/compiler
 * node scripts/move-paths.js --rewrite-only topologies/index.ts=processors/dsl/index.ts topologies/compiler=processors/compiler
 * ```
 */

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const args = process.argv.slice(2);
const rewriteOnly = args.includes('--rewrite-only');
const moves = args.filter((arg) => arg.includes('=')).map((arg) => arg.split('=').map((p) => p.replace(/\/$/, '')));
if (moves.length === 0) {
  console.error('usage: node scripts/move-paths.js [--rewrite-only] old=new ...');
  process.exit(2);
}

/** Where a repo path ends up: the longest old prefix it sits under decides. */
function mapPath(p) {
  let best;
  for (const [from, to] of moves) {
    if ((p === from || p.startsWith(`${from}/`)) && (best === undefined || from.length > best[0].length)) best = [from, to];
  }
  return best === undefined ? p : best[1] + p.slice(best[0].length);
}

function relative(fromFile, target) {
  const r = path.posix.relative(path.posix.dirname(fromFile), target);
  return r.startsWith('.') ? r : `./${r}`;
}

const files = execFileSync('git', ['ls-files'], { encoding: 'utf8' }).split('\n')
  .filter((f) => /\.(ts|js|mjs|cjs|md|json)$/.test(f))
  .filter((f) => !f.startsWith('bench/results/') && f !== 'BENCHMARKS.md' && f !== 'package-lock.json' && fs.existsSync(f));
const roots = [...new Set(moves.map(([from]) => from.split('/')[0]))].map((r) => r.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
const prose = new RegExp(`(?<![\\w./-])((?:test/)?(?:${roots.join('|')})/[\\w./-]*[\\w/])`, 'g');

const rewrites = [];
for (const file of files) {
  const destination = rewriteOnly ? file : mapPath(file);
  const text = fs.readFileSync(file, 'utf8');
  const follow = (spec) => {
    const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), spec));
    if (target.startsWith('..')) return spec;
    const moved = mapPath(target);
    if (moved === target && destination === file) return spec;
    const r = relative(destination, moved);
    return spec.endsWith('/') && !r.endsWith('/') ? `${r}/` : r;
  };
  const out = text
    .replace(/(['"`])(\.\.?\/[^'"`\s$]*?)\1/g, (match, quote, spec) => `${quote}${follow(spec)}${quote}`)
    .replace(/`(\.\.?\/[^`\s$]*\/)\$\{/g, (match, spec) => `\`${follow(spec)}\${`)
    .replace(prose, (match) => mapPath(match));
  if (out !== text) rewrites.push([destination, out]);
}
if (!rewriteOnly) {
  for (const [from, to] of moves) {
    fs.mkdirSync(path.dirname(to), { recursive: true });
    execFileSync('git', ['mv', from, to]);
  }
}
for (const [destination, out] of rewrites) fs.writeFileSync(destination, out);
console.log(`${rewriteOnly ? 'rewrote' : 'moved and rewrote'} ${rewrites.length} files`);
