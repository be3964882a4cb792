/**
 * One application instance of the recovery benchmark, in a child process of its own (a
 * JVM running `RecoveryBench` for Kafka Streams, a Node process running `ours-child.ts`
 * for ours), started and stopped the same way for both. It keeps its `group.instance.id`
 * and state directory across restarts, as a restarted container would; each start is a
 * new incarnation, written into every output value.
 */

import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { LAUNCHER_COMPILE_CACHE } from '../../scripts/platform/node-process.ts';
import type { JavaSide } from '../streams/jars.ts';
import type { Engine } from '../streams/settings.ts';
import { formatMarker } from './marker.ts';
import type { RecoverySettings } from './settings.ts';

const OURS_CHILD = fileURLToPath(new URL('./ours-child.ts', import.meta.url));

export interface InstanceSpec {
  readonly engine: Engine;
  readonly java: JavaSide;
  readonly settings: RecoverySettings;
  readonly inputTopic: string;
  readonly outputTopic: string;
  readonly applicationId: string;
  /** The static member's name, also the marker's instance. */
  readonly name: string;
  readonly stateDir: string;
  readonly logFile: string;
}

export class Instance {
  readonly spec: InstanceSpec;
  incarnation = 0;
  #child: ChildProcess | undefined;
  #exit: Promise<void> = Promise.resolve();
  #exitReason: string | undefined;
  #startedAt: number | undefined;
  #bootMs: number | undefined;
  readonly #log: WriteStream;

  constructor(spec: InstanceSpec) {
    this.spec = spec;
    this.#log = createWriteStream(spec.logFile, { flags: 'a' });
  }

  /** performance.now() when this incarnation first printed STARTED (reached RUNNING). */
  get startedAt(): number | undefined {
    return this.#startedAt;
  }

  /** This incarnation's process uptime when it started its client (the boot: runtime, imports, topology). */
  get bootMs(): number | undefined {
    return this.#bootMs;
  }

  /** Why the current incarnation is gone, once it is. */
  get exitReason(): string | undefined {
    return this.#exitReason;
  }

  #command(): { command: string; args: string[] } {
    const { settings, java } = this.spec;
    const args = [
      settings.bootstrap, this.spec.inputTopic, this.spec.outputTopic, this.spec.applicationId, this.spec.stateDir, this.spec.name,
      formatMarker({ instance: this.spec.name, incarnation: this.incarnation }), String(settings.sessionTimeoutMs), String(settings.commitIntervalMs), String(settings.standbyReplicas),
    ];
    if (this.spec.engine === 'kafka-streams') {
      return { command: java.jdk.java, args: [`-Xmx${settings.javaHeapMb}m`, '-cp', `${java.compiledDir}:${java.streamsClasspath}`, 'RecoveryBench', ...args] };
    }
    return { command: process.execPath, args: [OURS_CHILD, ...args] };
  }

  /** Starts the next incarnation (does not wait for it to run). */
  start(): void {
    this.incarnation++;
    this.#startedAt = undefined;
    this.#bootMs = undefined;
    this.#exitReason = undefined;
    const { command, args } = this.#command();
    this.#log.write(`--- incarnation ${this.incarnation}: ${command} ${args.join(' ')}\n`);
    // Ours boots as the platform launcher boots its services: with Node's compile cache.
    const env = this.spec.engine === 'ours' && this.spec.settings.compileCache ? { NODE_COMPILE_CACHE: LAUNCHER_COMPILE_CACHE, ...process.env } : process.env;
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], env });
    this.#child = child;
    child.stdout.on('data', (chunk: Buffer) => {
      this.#log.write(chunk);
      const text = chunk.toString();
      const booted = /BOOTED (\d+)/.exec(text);
      if (booted !== null && this.#bootMs === undefined) this.#bootMs = Number(booted[1]);
      if (this.#startedAt === undefined && text.includes('STARTED')) this.#startedAt = performance.now();
    });
    child.stderr.on('data', (chunk: Buffer) => this.#log.write(chunk));
    this.#exit = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.#exitReason = `exited with ${signal ?? code}; see ${this.spec.logFile}`;
        resolve();
      });
      child.once('error', (error) => {
        this.#exitReason = `could not start: ${error.message}`;
        resolve();
      });
    });
  }

  /** The crash: SIGKILL, awaited until the process is gone. */
  async kill(): Promise<void> {
    this.#child?.kill('SIGKILL');
    await this.#exit;
  }

  /** A clean stop (stdin closed), SIGKILL after `timeoutMs`. */
  async stop(timeoutMs = 45_000): Promise<void> {
    const child = this.#child;
    if (child !== undefined && this.#exitReason === undefined) {
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      child.stdin?.end();
      await this.#exit;
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    await this.stop();
    await new Promise<void>((resolve) => this.#log.end(resolve));
  }
}
