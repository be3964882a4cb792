import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cpuSecondsOf, parseCpuSeconds } from '../../../bench/streams/contender.ts';

test('CPU seconds are utime + stime of /proc/<pid>/stat, counted from after the command name', () => {
  // Fields: pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime …
  assert.equal(parseCpuSeconds('4242 (node a) b) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 75 0 0 20 0 11 0'), 3.25);
  assert.equal(parseCpuSeconds('garbage'), undefined);
});

test('this process has used some CPU; a process that does not exist has no figure', () => {
  const own = cpuSecondsOf(process.pid);
  if (process.platform === 'linux') assert.ok(own !== undefined && own >= 0);
  assert.equal(cpuSecondsOf(2 ** 30), undefined);
  assert.equal(cpuSecondsOf(undefined), undefined);
});
