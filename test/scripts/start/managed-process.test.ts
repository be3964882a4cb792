import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SupervisionReport } from '../../../scripts/platform/supervision/supervision-report.ts';
import { Supervisor } from '../../../scripts/platform/supervision/supervisor.ts';
import { ManagedProcess } from '../../../scripts/start/managed-process.ts';

/** Resolves once `lines` has one matching `pattern`; fails naming what it waited for. */
async function printed(lines: readonly string[], pattern: RegExp, timeoutMs = 20_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const line = lines.find((l) => pattern.test(l));
    if (line !== undefined) return line;
    if (Date.now() > deadline) throw new Error(`no line matching ${String(pattern)} within ${timeoutMs} ms; printed:\n${lines.join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

test('a supervised process SIGKILLed from outside is printed (signal, pid, log tail) and restarted healthy on the same port; a shutdown restarts nothing', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kst-supervise-'));
  const child = new ManagedProcess({ name: 'child', entry: 'test/fixtures/supervision/http-child.ts', env: {}, logFile: join(dir, 'child.log'), ready: /^child listening on (\S+)/, healthPath: '/health', portVariable: 'CHILD_PORT' });
  const lines: string[] = [];
  const supervisor = new Supervisor(child, { probe: () => child.probe(), report: new SupervisionReport((line) => lines.push(line)).of('child'), backoff: { initialMs: 200, maxMs: 1_000, resetAfterMs: 60_000 } });
  try {
    await supervisor.start();
    const first = child.pid as number;
    assert.ok(alive(first));
    assert.match(await printed(lines, /^child: healthy in/), new RegExp(`pid ${first}`));
    const firstAddress = child.address;
    assert.equal((await fetch(`${firstAddress}/health`)).status, 200);

    process.kill(first, 'SIGKILL');
    const crash = await printed(lines, /^child: exited unexpectedly/);
    assert.match(crash, new RegExp(`^child: exited unexpectedly \\(signal SIGKILL, pid ${first}\\); its last \\d+ of \\d+ log lines of child`));
    assert.match(crash, /child listening on http/, 'the crash shows the last log lines');
    assert.match(await printed(lines, /^child: restarting in/), /restarting in 0\.2 s \(crash 1 in a row\)/);
    const restarted = await printed(lines, /^child: restarted \(run 2, pid \d+\)/);
    const second = Number(/pid (\d+)/.exec(restarted)?.[1]);
    assert.notEqual(second, first);
    await printed(lines, new RegExp(`^child: healthy [\\d.]+ s after the restart \\(pid ${second}\\)`));
    assert.equal(supervisor.state, 'HEALTHY');
    assert.equal(child.address, firstAddress, 'the restart binds the port the first run was given');
    assert.equal((await fetch(`${child.address}/health`)).status, 200, 'the restarted child serves');
    assert.match(readFileSync(join(dir, 'child.log'), 'utf8'), /---- run 2 of child/);
  } finally {
    await supervisor.stop(5_000);
  }
  assert.equal(supervisor.state, 'STOPPED');
  assert.equal(child.pid, undefined);
  const count = lines.length;
  await new Promise((resolve) => setTimeout(resolve, 500)); // longer than the 200 ms backoff: a restart would show
  assert.equal(lines.length, count, `nothing after the shutdown: ${lines.slice(count).join(' | ')}`);
  assert.equal(supervisor.runs, 2);
});
