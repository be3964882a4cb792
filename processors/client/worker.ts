/**
 * Entry point of a worker thread that runs one stream thread (`num.stream.threads` > 1).
 * It builds the topology from its module (a topology cannot be sent between threads),
 * runs a `StreamThread` with the settings the client computed, and reports through the
 * typed messages of `worker-messages.ts`; its metrics live in a registry of its own that
 * the client reads on demand.
 *
 * A topology with global stores gets its own copy of them here: a `GlobalStreamThread`
 * on this worker restores them (into `<state.dir>/<application.id>/global-<thread>`)
 * before the stream thread starts, and keeps them current while it runs, as the client's
 * copy does for its queries. Each copy follows the global topics on its own, as every
 * instance of the application does; reads of a global table are never synchronized with
 * the stream anyway.
 *
 * @example
 * ```ts
 * new Worker(new URL('./worker.ts', import.meta.url), { workerData: { settings, topology, restoreEvents } satisfies WorkerData });
 * ```
 */

import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { Registry } from 'prom-client';
import type { RestoreTarget, StateRestoreListener } from '../runtime/restoration/index.ts';
import { KstError } from '../../common/errors.ts';
import type { LogFields, Logger } from '../../common/logger.ts';
import { GlobalStreamThread } from '../runtime/global/global-stream-thread.ts';
import { StreamThread } from '../runtime/thread/stream-thread.ts';
import { StoreServer } from './queries/store-server.ts';
import { loadTopologyModule } from './topology-source.ts';
import { errorToData, type FromWorker, type RestoreTargetData, type ToWorker, type WorkerData } from './worker-messages.ts';

if (parentPort === null) throw new Error('processors/client/worker.ts runs as a worker thread only');
const port: MessagePort = parentPort;
const data = workerData as WorkerData;
const post = (message: FromWorker): void => port.postMessage(message);

/** A logger whose lines go to the client's logger, as messages (fields must be cloneable: plain data). */
function postingLogger(bound: LogFields = {}): Logger {
  const write = (level: 'error' | 'warn' | 'info' | 'debug') => (message: string, fields?: LogFields): void => post({ type: 'log', level, message, fields: { ...bound, ...fields } });
  return { error: write('error'), warn: write('warn'), info: write('info'), debug: write('debug'), child: (fields) => postingLogger({ ...bound, ...fields }) };
}
const targetData = (t: RestoreTarget): RestoreTargetData => ({ taskId: t.taskId, storeName: t.storeName, topic: t.topic, partition: t.partition, startOffset: t.startOffset });

const restoreListener: StateRestoreListener = {
  onRestoreStart: (target, start, end) => post({ type: 'restore-start', target: targetData(target), start, end }),
  onBatchRestored: (target, batchEnd, count) => post({ type: 'restore-batch', target: targetData(target), batchEnd, count }),
  onRestoreEnd: (target, total) => post({ type: 'restore-end', target: targetData(target), total }),
};

/** A read that arrives before the thread exists (or after): the retriable answer. */
function unavailable(requestId: number): void {
  const error = new KstError('KST_STREAMS_STORE_UNAVAILABLE', 'the stream thread is not running yet; retry', {});
  post({ type: 'store-answer', requestId, answer: { kind: 'error', error: error.toData() } });
}

async function lags(requestId: number, thread: StreamThread | undefined): Promise<void> {
  try {
    post({ type: 'store-answer', requestId, answer: { kind: 'value', value: thread === undefined ? [] : await thread.stores.lags() } });
  } catch (error) {
    post({ type: 'store-answer', requestId, answer: { kind: 'error', error: errorToData(error instanceof Error ? error : new Error(String(error))) } });
  }
}

async function main(): Promise<void> {
  const registry = new Registry();
  let thread: StreamThread | undefined;
  let global: GlobalStreamThread | undefined;
  let queries: StoreServer | undefined;
  let closeRequested = false;
  let leaveGroup = false;
  port.on('message', (message: ToWorker) => {
    switch (message.type) {
      case 'close':
        closeRequested = true;
        leaveGroup = message.leaveGroup;
        void thread?.close({ leaveGroup });
        if (thread === undefined) void global?.close();
        break;
      case 'metrics':
        void registry.getMetricsAsJSON().then((metrics) => post({ type: 'metrics', requestId: message.requestId, metrics }));
        break;
      case 'store-call':
        void (queries === undefined ? unavailable(message.requestId) : queries.call(message.requestId, message.call));
        break;
      case 'store-next':
        void (queries === undefined ? unavailable(message.requestId) : queries.next(message.requestId, message.cursor));
        break;
      case 'store-close':
        queries?.close(message.cursor);
        break;
      case 'store-lags':
        void lags(message.requestId, thread);
        break;
    }
  });
  try {
    const plan = await loadTopologyModule(data.topology);
    if (data.global !== undefined && plan.globalStores.length > 0) {
      global = new GlobalStreamThread({ applicationId: data.settings.applicationId, plan, ...data.global });
      await global.start();
      if (closeRequested) {
        await global.close();
        post({ type: 'done', error: undefined });
        return;
      }
    }
    const server = new StoreServer(Object.keys(plan.stores), () => thread?.stores, post);
    thread = new StreamThread({
      settings: data.settings,
      plan,
      metricsRegistry: registry,
      ...(data.logs === true ? { logger: postingLogger() } : {}),
      ...(global === undefined ? {} : { globalStores: global.stores }),
      ...(data.restoreEvents ? { restoreListener } : {}),
      events: {
        onStateChange: (state, previous) => {
          post({ type: 'state', state, previous });
          server.publish();
        },
        onAssignment: (assignment) => post({ type: 'assignment', activeTasks: [...assignment.activeTasks], standbyTasks: [...assignment.standbyTasks], hosts: assignment.hosts }),
      },
    });
    queries = server;
    thread.start();
    if (closeRequested) void thread.close({ leaveGroup });
    // The copy of the global stores failing stops the stream thread: its tasks read them.
    const running = thread;
    void global?.done.then((error) => {
      if (error !== undefined) void running.close();
    });
    const error = (await thread.done) ?? (global === undefined ? undefined : await global.close());
    server.closeAll();
    if (global !== undefined && error !== undefined) await global.close();
    post({ type: 'done', error: error === undefined ? undefined : errorToData(error) });
  } catch (error) {
    post({ type: 'done', error: errorToData(error instanceof Error ? error : new Error(String(error))) });
  } finally {
    port.close();
  }
}

await main();
