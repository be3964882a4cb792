import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ProcessorContext } from '../../../processors/api/processor.ts';
import { withValue, type RecordMetadata } from '../../../processors/api/record.ts';
import { StreamTask } from '../../../processors/runtime/stream-task.ts';
import { isKstError } from '../../../common/errors.ts';
import { input, mapProcessor, memoryStorePlan, processor, sink, source, subtopology, taskOptions, topologyPlan, type MemoryStore } from './fixtures.ts';

async function started(options: ReturnType<typeof taskOptions>): Promise<StreamTask> {
  const task = new StreamTask(options);
  await task.init();
  return task;
}

test('forwards to all children in order, or to the named child only', async () => {
  const plan = topologyPlan([
    subtopology(0, [
      source('SRC', ['in'], ['ROUTE']),
      processor('ROUTE', mapProcessor((ctx, r) => (r.key === 'left' ? ctx.forward(r, 'LEFT') : ctx.forward(r))), ['LEFT', 'RIGHT']),
      sink('LEFT', 'left'),
      sink('RIGHT', 'right'),
    ]),
  ]);
  const options = taskOptions(plan);
  const task = await started(options);
  const result = task.processBatch([input('in', 0, 'left', 'a', 1), input('in', 1, 'all', 'b', 2)]);
  assert.equal(result, undefined, 'a synchronous graph processes without a promise');
  assert.deepEqual(options.collector.sent.map((s) => [s.topic, s.key]), [['left', 'left'], ['left', 'all'], ['right', 'all']]);
});

test('forwarding to a child that does not exist is a coded error naming the node', async () => {
  const plan = topologyPlan([subtopology(0, [source('SRC', ['in'], ['P']), processor('P', mapProcessor((ctx, r) => ctx.forward(r, 'NOPE')), ['OUT']), sink('OUT', 'out')])]);
  const task = await started(taskOptions(plan));
  assert.throws(() => task.processBatch([input('in', 0, 'k', 'v', 1)]), (e: unknown) => isKstError(e, 'KST_PROCESSOR_UNKNOWN_CHILD') && e.details['node'] === 'P' && e.details['child'] === 'NOPE');
});

test('keeps record order across asynchronous processors, including later siblings', async () => {
  const events: string[] = [];
  const plan = topologyPlan([
    subtopology(0, [
      source('SRC', ['in'], ['SLOW', 'FAST']),
      processor('SLOW', mapProcessor(async (ctx, r) => {
        await sleep(r.key === 'a' ? 10 : 1);
        events.push(`slow ${String(r.key)}`);
        await ctx.forward(r);
      }), ['OUT']),
      processor('FAST', mapProcessor((_ctx, r) => void events.push(`fast ${String(r.key)}`))),
      sink('OUT', 'out'),
    ]),
  ]);
  const options = taskOptions(plan);
  const task = await started(options);
  const result = task.processBatch([input('in', 0, 'a', '1', 1), input('in', 1, 'b', '2', 2)]);
  assert.ok(result instanceof Promise);
  await result;
  assert.deepEqual(events, ['slow a', 'fast a', 'slow b', 'fast b']);
  assert.deepEqual(options.collector.sent.map((s) => s.key), ['a', 'b']);
  assert.deepEqual(task.committableOffsets(), [{ topic: 'in', partition: 0, offset: 2n }]);
});

test('exposes record metadata while processing, none in a punctuator, and stream time as the max timestamp', async () => {
  const seen: (RecordMetadata | undefined)[] = [];
  const times: number[] = [];
  let context: ProcessorContext<unknown, unknown> | undefined;
  const plan = topologyPlan([
    subtopology(0, [
      source('SRC', ['a', 'b'], ['P']),
      processor('P', () => ({
        init(ctx) {
          context = ctx;
        },
        process() {
          const meta = context?.recordMetadata();
          seen.push(meta === undefined ? undefined : { topic: meta.topic, partition: meta.partition, offset: meta.offset });
          times.push(context?.currentStreamTimeMs() ?? NaN);
        },
      })),
    ]),
  ]);
  const task = await started(taskOptions(plan, { taskId: { subtopology: 0, partition: 3 }, clock: () => 42 }));
  assert.equal(task.streamTimeMs, -1);
  task.processBatch([input('a', 7, 'k', 'v', 100, 3), input('b', 9, 'k', 'v', 50, 3), input('a', 8, 'k', 'v', 120, 3)]);
  assert.deepEqual(seen, [{ topic: 'a', partition: 3, offset: 7n }, { topic: 'b', partition: 3, offset: 9n }, { topic: 'a', partition: 3, offset: 8n }]);
  assert.deepEqual(times, [100, 100, 120]);
  assert.equal(context?.recordMetadata(), undefined);
  assert.equal(context?.currentSystemTimeMs(), 42);
  assert.deepEqual(context?.taskId, { subtopology: 0, partition: 3 });
  assert.equal(context?.applicationId, 'app');
  assert.deepEqual(task.committableOffsets(), [{ topic: 'a', partition: 3, offset: 9n }, { topic: 'b', partition: 3, offset: 10n }]);
  assert.ok(task.commitNeeded);
  assert.equal(task.commitRequested, false);
  context?.commit();
  assert.ok(task.commitRequested);
  task.postCommit();
  assert.equal(task.commitNeeded, false);
  assert.equal(task.commitRequested, false);
});

test('gives a processor only the stores it is connected to; stores are built once per task, initialised, flushed and closed', async () => {
  const counts = memoryStorePlan('counts', true);
  const other = memoryStorePlan('other');
  const plan = topologyPlan(
    [
      subtopology(
        0,
        [
          source('SRC', ['in'], ['COUNT', 'SNOOP']),
          processor('COUNT', mapProcessor((ctx, r) => {
            const store = ctx.getStateStore<MemoryStore<unknown, number>>('counts');
            store.put(r.key, (store.get(r.key) ?? 0) + 1);
          }), [], ['counts']),
          processor('SNOOP', mapProcessor((ctx) => void ctx.getStateStore('counts')), [], ['other']),
        ],
        ['counts', 'other'],
      ),
    ],
    [counts.plan, other.plan],
  );
  const contexts: string[] = [];
  const options = taskOptions(plan, { storeContext: (store, taskId) => (contexts.push(`${store.name}@${taskId.partition}`), { applicationId: 'app', stateDir: '/x', taskId: '0_0', partition: 0, changelog: undefined }) });
  const task = new StreamTask(options);
  assert.equal(task.state, 'CREATED');
  await task.initializeStores();
  assert.equal(task.state, 'RESTORING');
  await task.initializeProcessors();
  assert.equal(task.state, 'RUNNING');
  assert.deepEqual(contexts, ['counts@0', 'other@0']);
  await assert.rejects(
    async () => task.processBatch([input('in', 0, 'k', 'v', 1)]),
    (e: unknown) => isKstError(e, 'KST_PROCESSOR_STORE_NOT_CONNECTED') && e.details['node'] === 'SNOOP' && e.details['store'] === 'counts',
  );
  const store = counts.instances[0] as MemoryStore<unknown, number>;
  assert.equal(counts.instances.length, 1);
  assert.equal(store.get('k'), 1);
  await task.flush();
  assert.equal(store.stats.flushes, 1);
  await task.close();
  assert.equal(store.stats.flushes, 2, 'a clean close flushes');
  assert.equal(store.stats.closed, 1);
  assert.equal(task.state, 'CLOSED');
  assert.throws(() => task.processBatch([]), (e: unknown) => isKstError(e, 'KST_ILLEGAL_STATE_TRANSITION'));
});

test('prefetches the batch keys once per batch on every store, and goes on without prefetch if a store rejects it', async () => {
  const a = memoryStorePlan('a');
  const b = memoryStorePlan('b');
  const plan = topologyPlan([subtopology(0, [source('SRC', ['in'], ['P']), processor('P', mapProcessor(() => undefined), [], ['a', 'b'])])], [a.plan, b.plan]);
  const task = await started(taskOptions(plan));
  const storeB = b.instances[0] as MemoryStore<unknown, unknown>;
  let failures = 0;
  storeB.prefetch = async () => {
    failures++;
    throw new Error('not my keys');
  };
  const pending = task.processBatch([input('in', 0, 'x', '1', 1), input('in', 1, null, '2', 2), input('in', 2, 'y', '3', 3)]);
  assert.ok(pending instanceof Promise, 'waiting on the prefetch');
  await pending;
  await task.processBatch([input('in', 3, 'z', '4', 4)]);
  assert.deepEqual((a.instances[0] as MemoryStore<unknown, unknown>).stats.prefetches, [['x', 'y'], ['z']]);
  assert.equal(failures, 1);
  assert.deepEqual(task.committableOffsets(), [{ topic: 'in', partition: 0, offset: 4n }]);
});

test('a deserialization error goes to the handler with its context: CONTINUE skips and dead-letters, FAIL throws', async () => {
  const bad = input('in', 5, 'k', null, 1);
  const plan = topologyPlan([
    subtopology(0, [
      source('SRC', ['in'], ['OUT'], {
        valueSerde: {
          serialize: () => null,
          deserialize: (_t, bytes) => {
            if (bytes === null) throw new Error('no value');
            return bytes.toString();
          },
        },
      }),
      sink('OUT', 'out'),
    ]),
  ]);
  const calls: unknown[] = [];
  const dead: unknown[] = [];
  const options = taskOptions(plan, {
    deserializationExceptionHandler: (context, record, error) => (calls.push([context.nodeName, context.topic, context.offset, record === bad, (error as Error).message]), 'CONTINUE'),
    deadLetters: (d) => dead.push([d.kind, d.context.offset, d.input === bad]),
  });
  const task = await started(options);
  task.processBatch([input('in', 4, 'k', 'before', 1), bad, input('in', 6, 'k', 'after', 2)]);
  assert.deepEqual(calls, [['SRC', 'in', 5n, true, 'no value']]);
  assert.deepEqual(dead, [['deserialization', 5n, true]]);
  assert.deepEqual(options.collector.sent.map((s) => s.value), ['before', 'after']);
  assert.equal(task.counters.skipped, 1);
  assert.deepEqual(task.committableOffsets(), [{ topic: 'in', partition: 0, offset: 7n }]);

  const failing = taskOptions(plan);
  const strict = await started(failing);
  assert.throws(
    () => strict.processBatch([input('in', 4, 'k', 'before', 1), bad]),
    (e: unknown) => isKstError(e, 'KST_TASK_DESERIALIZATION_FAILED') && e.details['topic'] === 'in' && e.details['offset'] === '5' && e.details['node'] === 'SRC' && e.details['partition'] === 0,
  );
  assert.deepEqual(failing.collector.sent.map((s) => s.value), ['before'], 'records before the bad one are processed');
});

test('a processing error goes to the handler at the failing node; CONTINUE lets siblings go on, FAIL names topic/partition/offset/node', async () => {
  const plan = topologyPlan([
    subtopology(0, [
      source('SRC', ['in'], ['BOOM', 'OUT']),
      processor('BOOM', mapProcessor(async (_ctx, r) => {
        if (r.value === 'bad') throw new Error('kaboom');
      })),
      sink('OUT', 'out'),
    ]),
  ]);
  const dead: unknown[] = [];
  const options = taskOptions(plan, {
    processingExceptionHandler: (context, record) => (assert.equal(record?.value, 'bad'), context.nodeName === 'BOOM' ? 'CONTINUE' : 'FAIL'),
    deadLetters: (d) => dead.push([d.kind, d.context.nodeName, d.context.offset, d.input?.value?.toString()]),
  });
  const task = await started(options);
  await task.processBatch([input('in', 0, 'k', 'bad', 1), input('in', 1, 'k', 'good', 2)]);
  assert.deepEqual(dead, [['processing', 'BOOM', 0n, 'bad']]);
  assert.deepEqual(options.collector.sent.map((s) => s.value), ['bad', 'good']);

  const strict = await started(taskOptions(plan, { taskId: { subtopology: 0, partition: 1 } }));
  await assert.rejects(async () => strict.processBatch([input('in', 3, 'k', 'bad', 1, 1)]), (e: unknown) => {
    assert.ok(isKstError(e, 'KST_TASK_PROCESSING_FAILED'));
    assert.deepEqual(e.details, { taskId: '0_1', node: 'BOOM', topic: 'in', partition: 1, offset: '3' });
    assert.match(e.message, /node "BOOM" for record in\/1@3: kaboom/);
    return true;
  });
});

test('rejects a record from a topic the task does not read, and a plan naming a missing child or store', () => {
  const plan = topologyPlan([subtopology(0, [source('SRC', ['in'], ['OUT']), sink('OUT', 'out')])]);
  const task = new StreamTask(taskOptions(plan));
  return task.init().then(() => {
    assert.throws(() => task.processBatch([input('other', 0, 'k', 'v', 1)]), (e: unknown) => isKstError(e, 'KST_TASK_UNKNOWN_TOPIC'));
    const missingChild = topologyPlan([subtopology(0, [source('SRC', ['in'], ['GONE'])])]);
    assert.throws(() => new StreamTask(taskOptions(missingChild)), (e: unknown) => isKstError(e, 'KST_TOPOLOGY_PLAN_INVALID') && e.details['child'] === 'GONE');
    const missingStore = topologyPlan([subtopology(0, [source('SRC', ['in'], ['P']), processor('P', mapProcessor(() => undefined), [], ['s'])])]);
    assert.throws(() => new StreamTask(taskOptions(missingStore)), (e: unknown) => isKstError(e, 'KST_TOPOLOGY_PLAN_INVALID') && e.details['store'] === 's');
  });
});

test('calls each supplier once per task and closes processors on close', async () => {
  let supplied = 0;
  let closed = 0;
  const plan = topologyPlan([subtopology(0, [source('SRC', ['in'], ['P']), processor('P', () => (supplied++, { process() {}, close() { closed++; } }))])]);
  const first = await started(taskOptions(plan));
  const second = await started(taskOptions(plan, { taskId: { subtopology: 0, partition: 1 } }));
  assert.equal(supplied, 2);
  await first.close();
  await second.close({ clean: false });
  assert.equal(closed, 2);
  void withValue;
});
