import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SupervisionReport } from '../../../../scripts/platform/supervision/supervision-report.ts';

test('the report prints the crash with its log tail, the restart, the time to healthy and the time to process records again', async () => {
  let now = 0;
  const lines: string[] = [];
  let worked: () => void = () => undefined;
  const report = new SupervisionReport((line) => lines.push(line), () => now).of('order-0', () => new Promise<void>((resolve) => (worked = resolve)));
  report({ type: 'started', name: 'order-0', run: 1, pid: 11 });
  report({ type: 'healthy', name: 'order-0', run: 1, pid: 11, afterMs: 4_200 });
  now = 100_000;
  report({ type: 'crashed', name: 'order-0', run: 1, pid: 11, exit: { code: null, signal: 'SIGKILL' }, tail: '---- last 2 of 9 log lines of order-0 (/tmp/order-0.log)\nline a\nline b' });
  report({ type: 'restarting', name: 'order-0', inMs: 1_000, crashes: 1 });
  now = 101_000;
  report({ type: 'started', name: 'order-0', run: 2, pid: 12 });
  now = 102_900;
  report({ type: 'healthy', name: 'order-0', run: 2, pid: 12, afterMs: 1_900 });
  now = 103_400;
  worked();
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(lines, [
    'order-0: healthy in 4.2 s (pid 11)',
    'order-0: exited unexpectedly (signal SIGKILL, pid 11); its last 2 of 9 log lines of order-0 (/tmp/order-0.log)\n    line a\n    line b',
    'order-0: restarting in 1.0 s (crash 1 in a row)',
    'order-0: restarted (run 2, pid 12)',
    'order-0: healthy 1.9 s after the restart (pid 12)',
    'order-0: processing records again 2.4 s after the restart (3.4 s after the crash)',
  ]);
});

test('a process that gives up is printed with the reason, and an exit code is named', () => {
  const lines: string[] = [];
  const report = new SupervisionReport((line) => lines.push(line)).of('gateway');
  report({ type: 'crashed', name: 'gateway', run: 3, pid: 7, exit: { code: 78, signal: null }, tail: '(no log at /x)' });
  report({ type: 'failed', name: 'gateway', reason: 'exited with code 78, which a restart cannot fix' });
  assert.deepEqual(lines, ['gateway: exited unexpectedly (code 78, pid 7); its (no log at /x)', 'gateway: not restarted: exited with code 78, which a restart cannot fix']);
});

test('a restart that activated a warm spare says so after the restart line', () => {
  const lines: string[] = [];
  const report = new SupervisionReport((line) => lines.push(line)).of('order-0');
  report({ type: 'started', name: 'order-0', run: 2, pid: 12, note: 'run 2 is its warm spare (pid 12, modules loaded, waiting 41.3 s)' });
  report({ type: 'started', name: 'order-0', run: 3, pid: 13 });
  assert.deepEqual(lines, [
    'order-0: restarted (run 2, pid 12)',
    'order-0: run 2 is its warm spare (pid 12, modules loaded, waiting 41.3 s)',
    'order-0: restarted (run 3, pid 13)',
  ]);
});
