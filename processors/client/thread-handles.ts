/**
 * A stream thread as the client sees it, wherever it runs: in the client's own thread
 * (`num.stream.threads` = 1, no copy of anything) or on a `worker_threads` Worker (one
 * per stream thread when there are more). Both report the same events, so the client's
 * state machine and metadata do not care which.
 *
 * @example
 * ```ts
 * const handle = settings.threadCount === 1 ? new LocalThreadHandle(options) : new WorkerThreadHandle(options, topologyModule);
 * handle.start();
 * const error = await handle.done;
 * ```
 */

import { Worker } from 'node:worker_threads';
import type { Registry } from 'prom-client';
import type { Logger } from '../../common/logger.ts';
import type { TopologyPlan } from '../plan/topology-plan.ts';
import type { StateRestoreListener, RestoreTarget } from '../runtime/restoration/index.ts';
import type { StateStore } from '../../state/api/state-store.ts';
import { StreamThread, type CloseThreadOptions, type ThreadAssignment } from '../runtime/thread/stream-thread.ts';
import { threadName, transactionalId, type ThreadSettings } from '../runtime/thread/thread-config.ts';
import type { ThreadState } from '../runtime/thread/thread-state.ts';
import { RemoteThreadStores, type QueryableThreadStores } from './queries/remote-stores.ts';
import { taskMetadata, type ThreadMetadata } from './streams-metadata.ts';
import { errorFromData, type FromWorker, type RestoreTargetData, type ToWorker, type TopologyModule, type WorkerData, type WorkerGlobalSettings } from './worker-messages.ts';
// Nothing imports the worker's module (it starts by URL); this erased import puts it in the
// compiler's program, so the build, which follows imports from the entry points, emits it.
import type {} from './worker.ts';

/** The worker's module beside this one: worker.ts in the sources, worker.js in the built package. */
const WORKER_URL = new URL(import.meta.url.endsWith('.ts') ? './worker.ts' : './worker.js', import.meta.url);

export interface ThreadHandleEvents {
  onStateChange(handle: ThreadHandle, state: ThreadState, previous: ThreadState): void;
  onAssignment(handle: ThreadHandle, assignment: ThreadAssignment): void;
}

export interface ThreadHandleOptions {
  readonly settings: ThreadSettings;
  readonly events: ThreadHandleEvents;
  readonly restoreListener: StateRestoreListener | undefined;
  /** The client's logger; a thread logs through its child `{ thread }` (on a worker, by posting its lines). */
  readonly logger?: Logger;
  /** The client's global stores; only a thread on the client's own thread can read them. */
  readonly globalStores?: ReadonlyMap<string, StateStore>;
  /** How a thread on a worker keeps its own copy of the global stores. */
  readonly workerGlobal?: WorkerGlobalSettings;
}

export interface ThreadHandle {
  readonly name: string;
  readonly index: number;
  readonly state: ThreadState;
  /** Resolves when the thread is DEAD: undefined after a clean close, its error otherwise. */
  readonly done: Promise<Error | undefined>;
  /** The thread's stores for interactive queries (on a worker thread, proxies that read them there). */
  readonly stores: QueryableThreadStores;
  start(): void;
  /** `leaveGroup`: a static member leaves the group too (it stays by default). */
  close(options?: CloseThreadOptions): Promise<Error | undefined>;
  metadata(): ThreadMetadata;
}

/** Runs the stream thread in this thread. */
export class LocalThreadHandle implements ThreadHandle {
  readonly name: string;
  readonly index: number;
  readonly #thread: StreamThread;

  constructor(options: ThreadHandleOptions, plan: TopologyPlan, registry: Registry) {
    this.name = threadName(options.settings);
    this.index = options.settings.threadIndex;
    this.#thread = new StreamThread({
      settings: options.settings,
      plan,
      metricsRegistry: registry,
      ...(options.logger === undefined ? {} : { logger: options.logger.child({ thread: this.name }) }),
      ...(options.restoreListener === undefined ? {} : { restoreListener: options.restoreListener }),
      ...(options.globalStores === undefined ? {} : { globalStores: options.globalStores }),
      events: {
        onStateChange: (state, previous) => options.events.onStateChange(this, state, previous),
        onAssignment: (assignment) => options.events.onAssignment(this, assignment),
      },
    });
  }

  get state(): ThreadState {
    return this.#thread.state;
  }

  get done(): Promise<Error | undefined> {
    return this.#thread.done;
  }

  get stores(): QueryableThreadStores {
    return this.#thread.stores;
  }

  start(): void {
    this.#thread.start();
  }

  close(options: CloseThreadOptions = {}): Promise<Error | undefined> {
    return this.#thread.close(options);
  }

  metadata(): ThreadMetadata {
    const assignment = this.#thread.assignment;
    return {
      threadName: this.name,
      threadState: this.#thread.state,
      activeTasks: taskMetadata(assignment.activeTasks),
      standbyTasks: taskMetadata(assignment.standbyTasks),
      consumerClientId: this.#thread.consumerClientId,
      producerClientIds: this.#thread.producerClientIds,
    };
  }
}

/** Runs the stream thread on a Worker that builds the topology from its module. */
export class WorkerThreadHandle implements ThreadHandle {
  readonly name: string;
  readonly index: number;
  readonly done: Promise<Error | undefined>;
  readonly #worker: Worker;
  readonly #settings: ThreadSettings;
  #state: ThreadState = 'CREATED';
  #assignment: ThreadAssignment = { activeTasks: new Map(), standbyTasks: new Map(), hosts: [] };
  readonly #metricRequests = new Map<number, (metrics: readonly object[]) => void>();
  readonly #stores: RemoteThreadStores;
  #nextRequest = 0;
  #exited = false;

  constructor(options: ThreadHandleOptions, topology: TopologyModule) {
    this.#settings = options.settings;
    this.name = threadName(options.settings);
    this.index = options.settings.threadIndex;
    const workerData: WorkerData = {
      settings: options.settings,
      topology,
      restoreEvents: options.restoreListener !== undefined,
      ...(options.logger === undefined ? {} : { logs: true }),
      ...(options.workerGlobal === undefined ? {} : { global: options.workerGlobal }),
    };
    this.#worker = new Worker(WORKER_URL, { workerData, name: this.name });
    this.#stores = new RemoteThreadStores((message) => {
      if (!this.#exited) this.#worker.postMessage(message);
    });
    let resolveDone!: (error: Error | undefined) => void;
    this.done = new Promise((resolve) => (resolveDone = resolve));
    let reported: Error | undefined | null = null;
    this.#worker.on('message', (message: FromWorker) => {
      if (message.type === 'done') reported = message.error === undefined ? undefined : errorFromData(message.error);
      else this.#onMessage(message, options);
    });
    this.#worker.on('error', (error) => {
      reported ??= error;
    });
    this.#worker.on('exit', (code) => {
      this.#exited = true;
      this.#stores.stop();
      for (const resolve of this.#metricRequests.values()) resolve([]);
      this.#metricRequests.clear();
      if (this.#state !== 'DEAD') {
        const previous = this.#state;
        this.#state = 'DEAD';
        options.events.onStateChange(this, 'DEAD', previous);
      }
      resolveDone(reported ?? (code === 0 ? undefined : new Error(`worker thread ${this.name} exited with code ${code}`)));
    });
  }

  get state(): ThreadState {
    return this.#state;
  }

  get stores(): RemoteThreadStores {
    return this.#stores;
  }

  /** The worker starts its stream thread as soon as it has built the topology. */
  start(): void {}

  close(options: CloseThreadOptions = {}): Promise<Error | undefined> {
    if (!this.#exited) this.#worker.postMessage({ type: 'close', leaveGroup: options.leaveGroup === true } satisfies ToWorker);
    return this.done;
  }

  /** Ends the worker without a clean close (after the close timeout). */
  async terminate(): Promise<void> {
    await this.#worker.terminate();
  }

  /** The worker's metrics as prom-client JSON; empty when it is gone. */
  metrics(): Promise<readonly object[]> {
    if (this.#exited) return Promise.resolve([]);
    const requestId = this.#nextRequest++;
    return new Promise((resolve) => {
      this.#metricRequests.set(requestId, resolve);
      this.#worker.postMessage({ type: 'metrics', requestId } satisfies ToWorker);
    });
  }

  metadata(): ThreadMetadata {
    return {
      threadName: this.name,
      threadState: this.#state,
      activeTasks: taskMetadata(this.#assignment.activeTasks),
      standbyTasks: taskMetadata(this.#assignment.standbyTasks),
      consumerClientId: `${this.name}-consumer-${this.#settings.applicationId}`,
      producerClientIds: [this.#settings.exactlyOnce ? `${this.name}-txn-${transactionalId(this.#settings)}` : `${this.name}-producer`],
    };
  }

  #onMessage(message: Exclude<FromWorker, { type: 'done' }>, options: ThreadHandleOptions): void {
    const listener = options.restoreListener;
    switch (message.type) {
      case 'log':
        options.logger?.[message.level](message.message, { thread: this.name, ...message.fields });
        break;
      case 'state':
        this.#state = message.state;
        options.events.onStateChange(this, message.state, message.previous);
        break;
      case 'assignment':
        this.#assignment = { activeTasks: new Map(message.activeTasks), standbyTasks: new Map(message.standbyTasks), hosts: message.hosts };
        options.events.onAssignment(this, this.#assignment);
        break;
      case 'restore-start':
        listener?.onRestoreStart?.(asTarget(message.target), message.start, message.end);
        break;
      case 'restore-batch':
        listener?.onBatchRestored?.(asTarget(message.target), message.batchEnd, message.count);
        break;
      case 'restore-end':
        listener?.onRestoreEnd?.(asTarget(message.target), message.total);
        break;
      case 'metrics':
        this.#metricRequests.get(message.requestId)?.(message.metrics);
        this.#metricRequests.delete(message.requestId);
        break;
      case 'stores':
        this.#stores.update(message.instances);
        break;
      case 'store-answer':
        this.#stores.answer(message.requestId, message.answer);
        break;
    }
  }
}

/** Listeners on the client's thread get the target without its store (it lives in the worker). */
function asTarget(data: RestoreTargetData): RestoreTarget {
  return data as unknown as RestoreTarget;
}

