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
import { GlobalStreamThread } from '../runtime/global/global-stream-thread.ts';
import { StreamThread } from '../runtime/thread/stream-thread.ts';
import { loadTopologyModule } from './topology-source.ts';
import { errorToData, type FromWorker, type RestoreTargetData, type ToWorker, type WorkerData } from './worker-messages.ts';

if (parentPort === null) throw new Error('processors/client/worker.ts runs as a worker thread only');
const port: MessagePort = parentPort;
const data = workerData as WorkerData;
const post = (message: FromWorker): void => port.postMessage(message);
const targetData = (t: RestoreTarget): RestoreTargetData => ({ taskId: t.taskId, storeName: t.storeName, topic: t.topic, partition: t.partition, startOffset: t.startOffset });

const restoreListener: StateRestoreListener = {
  onRestoreStart: (target, start, end) => post({ type: 'restore-start', target: targetData(target), start, end }),
  onBatchRestored: (target, batchEnd, count) => post({ type: 'restore-batch', target: targetData(target), batchEnd, count }),
  onRestoreEnd: (target, total) => post({ type: 'restore-end', target: targetData(target), total }),
};

async function main(): Promise<void> {
  const registry = new Registry();
  let thread: StreamThread | undefined;
  let global: GlobalStreamThread | undefined;
  let closeRequested = false;
  port.on('message', (message: ToWorker) => {
    if (message.type === 'close') {
      closeRequested = true;
      void thread?.close();
      if (thread === undefined) void global?.close();
    } else if (message.type === 'metrics') {
      void registry.getMetricsAsJSON().then((metrics) => post({ type: 'metrics', requestId: message.requestId, metrics }));
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
    thread = new StreamThread({
      settings: data.settings,
      plan,
      metricsRegistry: registry,
      ...(global === undefined ? {} : { globalStores: global.stores }),
      ...(data.restoreEvents ? { restoreListener } : {}),
      events: {
        onStateChange: (state, previous) => post({ type: 'state', state, previous }),
        onAssignment: (assignment) => post({ type: 'assignment', activeTasks: [...assignment.activeTasks], standbyTasks: [...assignment.standbyTasks], hosts: assignment.hosts }),
      },
    });
    thread.start();
    if (closeRequested) void thread.close();
    // The copy of the global stores failing stops the stream thread: its tasks read them.
    const running = thread;
    void global?.done.then((error) => {
      if (error !== undefined) void running.close();
    });
    const error = (await thread.done) ?? (global === undefined ? undefined : await global.close());
    if (global !== undefined && error !== undefined) await global.close();
    post({ type: 'done', error: error === undefined ? undefined : errorToData(error) });
  } catch (error) {
    post({ type: 'done', error: errorToData(error instanceof Error ? error : new Error(String(error))) });
  } finally {
    port.close();
  }
}

await main();
