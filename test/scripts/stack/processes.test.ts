import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isKstError } from '../../../common/errors.ts';
import {
  isAlive, isOurs, logFile, pidFile, readCmdline, readProcStat, readRecord, runToLog, runningRecord, startDetached, stopRecorded, tail, writeRecord, type LaunchSpec,
} from '../../../scripts/stack/processes.ts';

function home(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'kstack-proc-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function nodeSpec(dir: string, marker: string, script = 'setInterval(() => {}, 1000)'): LaunchSpec {
  return { command: process.execPath, args: ['-e', script, marker], env: process.env, cwd: dir, marker };
}

test('/proc/self parses: state, start time and command line', () => {
  const stat = readProcStat(process.pid);
  assert.ok(stat !== undefined && stat.startTime > 0 && stat.state !== 'Z');
  assert.equal(readCmdline(process.pid)?.[0], process.execPath);
  assert.equal(readProcStat(2 ** 22 + 1), undefined);
});

test('a detached process is ours while it lives, and is stopped by PID', async (t) => {
  const dir = home(t);
  const marker = join(dir, 'marker-a');
  const record = await startDetached('svc', nodeSpec(dir, marker, "console.log('hello from svc'); setInterval(() => {}, 1000)"), logFile(dir, 'svc'));
  t.after(() => { try { process.kill(record.pid, 'SIGKILL'); } catch { /* gone */ } });
  writeRecord(dir, record);
  assert.deepEqual(readRecord(dir, 'svc'), record);
  assert.equal(isOurs(record), true);
  assert.equal(runningRecord(dir, 'svc')?.pid, record.pid);
  await sleep(300);
  assert.match(readFileSync(logFile(dir, 'svc'), 'utf8'), /hello from svc/);

  assert.equal(await stopRecorded(dir, record, 'SIGTERM', 5000), true);
  assert.equal(isAlive(record.pid), false);
  assert.equal(existsSync(pidFile(dir, 'svc')), false);
});

test('a PID whose start time or command line differ is not ours, and its PID file is dropped unkilled', async (t) => {
  const dir = home(t);
  const marker = join(dir, 'marker-b');
  const record = await startDetached('svc', nodeSpec(dir, marker), logFile(dir, 'svc'));
  t.after(() => { try { process.kill(record.pid, 'SIGKILL'); } catch { /* gone */ } });
  assert.equal(isOurs({ ...record, startTime: record.startTime + 1 }), false, 'a reused PID has another start time');
  assert.equal(isOurs({ ...record, marker: join(dir, 'another-home') }), false, 'another stack\'s process');

  const impostor = { ...record, marker: join(dir, 'another-home') };
  writeRecord(dir, impostor);
  assert.equal(runningRecord(dir, 'svc'), undefined);
  assert.equal(existsSync(pidFile(dir, 'svc')), false);
  assert.equal(await stopRecorded(dir, impostor, 'SIGKILL', 1000), false);
  assert.equal(isAlive(record.pid), true, 'a process that is not ours is never signalled');
});

test('a process that ignores SIGTERM is killed after the timeout', async (t) => {
  const dir = home(t);
  const marker = join(dir, 'marker-c');
  const record = await startDetached('svc', nodeSpec(dir, marker, "process.on('SIGTERM', () => {}); console.log('armed' + '!'); setInterval(() => {}, 1000)"), logFile(dir, 'svc'));
  t.after(() => { try { process.kill(record.pid, 'SIGKILL'); } catch { /* gone */ } });
  while (!readFileSync(logFile(dir, 'svc'), 'utf8').includes('armed!')) await sleep(20);
  const began = Date.now();
  assert.equal(await stopRecorded(dir, record, 'SIGTERM', 300), true);
  assert.ok(Date.now() - began >= 300);
  assert.equal(isAlive(record.pid), false);
});

test('a garbled PID file counts as nothing running', (t) => {
  const dir = home(t);
  writeRecord(dir, { service: 'svc', pid: 1, startTime: 1, marker: 'x', startedAt: '', stopSignal: 'SIGTERM' });
  writeFileSync(pidFile(dir, 'svc'), 'not json');
  assert.equal(readRecord(dir, 'svc'), undefined);
  assert.equal(runningRecord(dir, 'svc'), undefined);
});

test('a failing preparation command reports its exit code and the tail of the log', async (t) => {
  const dir = home(t);
  const log = logFile(dir, 'svc');
  await runToLog('svc', { command: process.execPath, args: ['-e', "console.log('fine')"], env: process.env, cwd: dir }, log);
  await assert.rejects(
    runToLog('svc', { command: process.execPath, args: ['-e', "console.error('disk on fire'); process.exit(3)"], env: process.env, cwd: dir }, log),
    (error: unknown) => isKstError(error, 'KST_STACK_START_FAILED') && /\(3\)/.test(error.message) && /disk on fire/.test(error.message),
  );
  assert.match(tail(log, 2), /disk on fire/);
  assert.match(tail(join(dir, 'missing.log')), /no log/);
});

test('a process whose command line reads empty (as while it execs) is still ours, but not with another start time', async (t) => {
  const dir = home(t);
  const marker = join(dir, 'marker-exec');
  // Node writes process.title over its argv: an empty title makes /proc/<pid>/cmdline read empty.
  const record = await startDetached('svc', nodeSpec(dir, marker, "process.title = ''; setInterval(() => {}, 1000)"), logFile(dir, 'svc'));
  t.after(() => { try { process.kill(record.pid, 'SIGKILL'); } catch { /* gone */ } });
  for (let i = 0; i < 100 && (readCmdline(record.pid)?.length ?? 0) > 0; i++) await sleep(20);
  assert.deepEqual(readCmdline(record.pid), []);
  assert.equal(isOurs(record), true);
  assert.equal(isOurs({ ...record, startTime: record.startTime + 1 }), false);
});
