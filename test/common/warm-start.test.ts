/**
 * The child side of a warm spare: it waits until a line of variables comes on stdin and
 * then runs with them; a spare whose stdin closes first (its launcher is gone) exits; a
 * process that is no spare does not wait at all.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { WARM_SPARE_VARIABLE } from '../../common/warm-start.ts';

const CHILD = fileURLToPath(new URL('../fixtures/supervision/warm-child.ts', import.meta.url));

function startChild(spare: boolean) {
  const child = spawn(process.execPath, [CHILD], { env: { ...process.env, RUN_VALUE: 'at-spawn', ...(spare ? { [WARM_SPARE_VARIABLE]: '1' } : {}) }, stdio: ['pipe', 'pipe', 'inherit'] });
  const lines: string[] = [];
  createInterface({ input: child.stdout }).on('line', (line) => lines.push(line));
  const next = async (pattern: RegExp): Promise<string> => {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const line = lines.find((l) => pattern.test(l));
      if (line !== undefined) return line;
      if (Date.now() > deadline) throw new Error(`the child printed no ${String(pattern)} within 20 s; it printed: ${lines.join(' | ')}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  return { child, lines, next };
}

test('a spare waits for its activation, then runs with the variables it was sent', async () => {
  const { child, lines, next } = startChild(true);
  await next(/^loaded$/);
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.deepEqual(lines, ['loaded'], 'nothing runs before the activation');
  child.stdin.write(`${JSON.stringify({ RUN_VALUE: 'at-activation' })}\n`);
  assert.equal(await next(/^run pid/), `run pid ${child.pid} spare true value at-activation`);
  child.kill('SIGTERM');
  const [code] = await once(child, 'exit');
  assert.equal(code, 0);
});

test('a spare whose stdin closes before its activation exits without running', async () => {
  const { child, lines, next } = startChild(true);
  await next(/^loaded$/);
  child.stdin.end();
  const [code] = await once(child, 'exit');
  assert.equal(code, 0);
  assert.deepEqual(lines, ['loaded']);
});

test('a process that is no spare runs at once', async () => {
  const { child, next } = startChild(false);
  assert.equal(await next(/^run pid/), `run pid ${child.pid} spare false value at-spawn`);
  child.kill('SIGTERM');
  await once(child, 'exit');
});
