/**
 * The servers' processes: started detached (own process group, stdio to a log file) so
 * they outlive the CLI, remembered in PID files, and stopped only when /proc still shows
 * the very process we started. A PID file alone is not proof: after a reboot or a crash
 * the number may belong to someone else, so a record also keeps the process start time
 * (field 22 of /proc/<pid>/stat) and a marker its command line must contain.
 */

import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { KstError } from '../../common/errors.ts';

export interface ProcessRecord {
  readonly service: string;
  readonly pid: number;
  /** Clock ticks since boot when the process started; survives exec, differs for a reused PID. */
  readonly startTime: number;
  /** A string the process's command line contains (a path under this stack's home). */
  readonly marker: string;
  readonly startedAt: string;
  /** Kept in the PID file because `down` runs in another process than `up`. */
  readonly stopSignal: NodeJS.Signals;
}

export interface LaunchSpec {
  readonly command: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** Run as this user (needed as root for servers that refuse root). */
  readonly uid?: number;
  readonly gid?: number;
  readonly marker: string;
  /** PostgreSQL reads SIGTERM as "wait for clients to leave"; it wants SIGINT. */
  readonly stopSignal?: NodeJS.Signals;
}

export function pidFile(home: string, service: string): string {
  return join(home, 'pids', `${service}.pid`);
}

export function logFile(home: string, service: string): string {
  return join(home, 'logs', `${service}.log`);
}

interface ProcStat {
  readonly state: string;
  readonly startTime: number;
}

/** Parses /proc/<pid>/stat; the command name in parentheses may itself hold spaces and parentheses. */
export function readProcStat(pid: number): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const state = fields[0];
  const startTime = Number(fields[19]);
  return state === undefined || !Number.isFinite(startTime) ? undefined : { state, startTime };
}

export function readCmdline(pid: number): string[] | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((arg) => arg !== '');
  } catch {
    return undefined;
  }
}

/** Alive and not a zombie (a zombie has exited; it only waits for its parent to reap it). */
export function isAlive(pid: number): boolean {
  const stat = readProcStat(pid);
  return stat !== undefined && stat.state !== 'Z' && stat.state !== 'X';
}

/** True only if `record.pid` is still the process this stack started. */
export function isOurs(record: ProcessRecord): boolean {
  const stat = readProcStat(record.pid);
  if (stat === undefined || stat.state === 'Z' || stat.state === 'X' || stat.startTime !== record.startTime) return false;
  const cmdline = readCmdline(record.pid);
  if (cmdline === undefined) return false;
  // The pid and its start time already name one process; the marker is a second check.
  // While a process execs (OpenSearch's launcher script into its JVM) its command line
  // reads empty for a moment: that is not another process, and taking it for an exit
  // made `up` kill a starting server under load.
  if (cmdline.length === 0) return true;
  return cmdline.some((arg) => arg.includes(record.marker));
}

export function readRecord(home: string, service: string): ProcessRecord | undefined {
  const file = pidFile(home, service);
  if (!existsSync(file)) return undefined;
  try {
    const data = JSON.parse(readFileSync(file, 'utf8')) as Partial<ProcessRecord>;
    if (typeof data.pid !== 'number' || typeof data.startTime !== 'number' || typeof data.marker !== 'string') return undefined;
    const stopSignal = data.stopSignal === 'SIGINT' ? 'SIGINT' : 'SIGTERM';
    return { service, pid: data.pid, startTime: data.startTime, marker: data.marker, startedAt: String(data.startedAt), stopSignal };
  } catch {
    return undefined;
  }
}

export function writeRecord(home: string, record: ProcessRecord): void {
  const file = pidFile(home, record.service);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);
}

export function removeRecord(home: string, service: string): void {
  rmSync(pidFile(home, service), { force: true });
}

/** The running process recorded for `service`, or undefined (a stale PID file is removed). */
export function runningRecord(home: string, service: string): ProcessRecord | undefined {
  const record = readRecord(home, service);
  if (record === undefined) {
    removeRecord(home, service);
    return undefined;
  }
  if (isOurs(record)) return record;
  removeRecord(home, service);
  return undefined;
}

function openLog(path: string, title: string): number {
  mkdirSync(dirname(path), { recursive: true });
  const fd = openSync(path, 'a');
  writeSync(fd, `\n=== ${new Date().toISOString()} ${title}\n`);
  return fd;
}

/** Starts a server that outlives this process; its stdout and stderr go to `log`. */
export async function startDetached(service: string, spec: LaunchSpec, log: string): Promise<ProcessRecord> {
  const fd = openLog(log, `${spec.command} ${spec.args.join(' ')}`);
  try {
    const child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: spec.env,
      detached: true,
      stdio: ['ignore', fd, fd],
      ...(spec.uid === undefined ? {} : { uid: spec.uid }),
      ...(spec.gid === undefined ? {} : { gid: spec.gid }),
    });
    const pid = child.pid;
    if (pid === undefined) {
      const error = await new Promise<Error>((resolve) => child.once('error', resolve));
      throw new KstError('KST_STACK_START_FAILED', `${service}: could not run ${spec.command}: ${error.message}`, { service }, { cause: error });
    }
    child.unref();
    const stat = readProcStat(pid);
    if (stat === undefined) throw new KstError('KST_STACK_START_FAILED', `${service} exited at once; see ${log}`, { service, log });
    return { service, pid, startTime: stat.startTime, marker: spec.marker, startedAt: new Date().toISOString(), stopSignal: spec.stopSignal ?? 'SIGTERM' };
  } finally {
    closeSync(fd);
  }
}

/** Runs a short preparation command (storage format, initdb) to completion, its output appended to `log`. */
export async function runToLog(service: string, spec: Omit<LaunchSpec, 'marker'>, log: string): Promise<void> {
  const fd = openLog(log, `${spec.command} ${spec.args.join(' ')}`);
  try {
    const child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: spec.env,
      stdio: ['ignore', fd, fd],
      ...(spec.uid === undefined ? {} : { uid: spec.uid }),
      ...(spec.gid === undefined ? {} : { gid: spec.gid }),
    });
    const code = await new Promise<number | string>((resolve) => {
      child.once('error', (error) => resolve(error.message));
      child.once('exit', (exitCode, signal) => resolve(exitCode ?? signal ?? 'unknown'));
    });
    if (code !== 0) {
      throw new KstError('KST_STACK_START_FAILED', `${service}: ${spec.command} failed (${code}):\n${tail(log)}`, { service, log });
    }
  } finally {
    closeSync(fd);
  }
}

export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() >= deadline) return false;
    await sleep(50);
  }
  return true;
}

/**
 * Stops a recorded process: the stop signal, then SIGKILL after `timeoutMs`; resolves
 * once it is gone. A record that no longer matches a live process of ours is only removed.
 */
export async function stopRecorded(home: string, record: ProcessRecord, signal: NodeJS.Signals, timeoutMs: number): Promise<boolean> {
  if (!isOurs(record)) {
    removeRecord(home, record.service);
    return false;
  }
  try {
    process.kill(record.pid, signal);
  } catch {
    // Exited between the check and the signal: nothing left to stop.
  }
  if (!(await waitForExit(record.pid, timeoutMs)) && isOurs(record)) {
    try {
      process.kill(record.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
    await waitForExit(record.pid, 10_000);
  }
  removeRecord(home, record.service);
  return true;
}

/** The last lines of a log, to show why a server did not come up. */
export function tail(path: string, lines = 30): string {
  try {
    const text = readFileSync(path, 'utf8').trimEnd().split('\n');
    return text.slice(-lines).map((line) => `    ${line}`).join('\n');
  } catch {
    return `    (no log at ${path})`;
  }
}
