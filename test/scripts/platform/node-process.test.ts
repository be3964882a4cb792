/**
 * `NodeProcess` warm spares: a restart after a crash activates the spare prepared ahead
 * (the run is the spare's process, with the run's variables), a spare that died is
 * replaced by a plain spawn, and a shutdown ends the spare with the run.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NodeProcess } from '../../../scripts/platform/node-process.ts';

const CHILD = fileURLToPath(new URL('../../fixtures/supervision/warm-child.ts', import.meta.url));

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function until(what: string, check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Read through a function: an earlier `assert.equal(…, undefined)` narrowed the getter's type. */
const spareOf = (child: NodeProcess): NodeProcess['lastRunSpare'] => child.lastRunSpare;

function sparePid(log: string): number {
  const started = [...readFileSync(log, 'utf8').matchAll(/warm spare of child started \(pid (\d+)\)/g)].at(-1);
  assert.ok(started !== undefined, 'the log names the spare');
  return Number(started[1]);
}

test('a restart activates the warm spare with the run\'s variables; a shutdown ends the spare', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kst-spare-'));
  const logFile = join(dir, 'child.log');
  const child = new NodeProcess({ name: 'child', entry: CHILD, env: {}, logFile });
  try {
    child.start({ RUN_VALUE: 'one' });
    const first = child.pid as number;
    assert.equal(await child.waitFor(/^run pid/), `run pid ${first} spare false value one`);
    assert.equal(child.lastRunSpare, undefined);

    child.prepareSpare();
    assert.equal(child.spareReady, true);
    const spare = sparePid(logFile);
    await until('the spare printed loaded (to the log, not as a line of the run)', () => readFileSync(logFile, 'utf8').includes(`[spare ${spare}] loaded`));
    assert.deepEqual(child.matching(/^loaded$/), [], 'a spare\'s output is not the run\'s');

    const from = child.mark();
    await child.kill();
    child.start({ RUN_VALUE: 'two' });
    assert.equal(child.pid, spare, 'the run is the spare');
    assert.equal(await child.waitFor(/^run pid/, { from }), `run pid ${spare} spare true value two`);
    assert.equal(spareOf(child)?.pid, spare);
    assert.equal(child.spareReady, false);
    assert.equal(alive(first), false);

    child.prepareSpare();
    const next = sparePid(logFile);
    assert.notEqual(next, spare);
    assert.equal(await child.stop(10_000), true);
    await until(`the spare ${next} is gone after the shutdown`, () => !alive(next));
    assert.equal(alive(spare), false);
  } finally {
    await child.stop(5_000);
  }
});

test('a spare that died before the restart is replaced by a new process', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kst-spare-'));
  const logFile = join(dir, 'child.log');
  const child = new NodeProcess({ name: 'child', entry: CHILD, env: {}, logFile });
  try {
    child.start();
    await child.waitFor(/^run pid/);
    child.prepareSpare();
    const spare = sparePid(logFile);
    process.kill(spare, 'SIGKILL');
    await until('the spare is known dead', () => !child.spareReady);
    const from = child.mark();
    await child.kill();
    child.start({ RUN_VALUE: 'fresh' });
    assert.notEqual(child.pid, spare);
    assert.equal(await child.waitFor(/^run pid/, { from }), `run pid ${child.pid} spare false value fresh`);
    assert.equal(child.lastRunSpare, undefined);
  } finally {
    await child.stop(5_000);
  }
});
