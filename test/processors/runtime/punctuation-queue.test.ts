import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PunctuationType, type Cancellable, type ProcessorContext } from '../../../processors/api/processor.ts';
import { streamRecord } from '../../../processors/api/record.ts';
import { PunctuationQueue } from '../../../processors/runtime/punctuation-queue.ts';
import { StreamTask } from '../../../processors/runtime/stream-task.ts';
import { isKstError } from '../../../common/errors.ts';
import { input, processor, sink, source, subtopology, taskOptions, topologyPlan } from './fixtures.ts';

test('the queue fires due schedules earliest first, skips missed intervals, and honours cancel', () => {
  const queue = new PunctuationQueue();
  const fired: string[] = [];
  queue.schedule('a', 10, 10, (ts) => void fired.push(`a@${ts}`));
  const b = queue.schedule('b', 5, 100, (ts) => void fired.push(`b@${ts}`));
  assert.equal(queue.isDue(4), false);
  assert.equal(queue.punctuate(4, (s, ts) => s.punctuator(ts)), false);
  assert.equal(queue.punctuate(10, (s, ts) => s.punctuator(ts)), true);
  assert.deepEqual(fired, ['b@10', 'a@10']);
  queue.punctuate(45, (s, ts) => s.punctuator(ts)); // a: 20 due; next after 45 is 50
  assert.deepEqual(fired.slice(2), ['a@45']);
  b.cancel();
  queue.punctuate(200, (s, ts) => s.punctuator(ts));
  assert.deepEqual(fired.slice(3), ['a@200']);
  assert.equal(queue.size, 1);
});

test('a punctuator may cancel itself while it runs; async punctuators run one after another', async () => {
  const queue = new PunctuationQueue();
  const fired: string[] = [];
  const self: Cancellable = queue.schedule('once', 0, 1, () => {
    fired.push('once');
    self.cancel();
  });
  queue.schedule('slow', 0, 1, async () => {
    await new Promise((resolve) => setImmediate(resolve));
    fired.push('slow');
  });
  queue.schedule('after', 0, 1, () => void fired.push('after'));
  const result = queue.punctuate(0, (s, ts) => s.punctuator(ts));
  assert.ok(result instanceof Promise);
  assert.equal(await result, true);
  assert.deepEqual(fired, ['once', 'slow', 'after']);
  assert.equal(queue.size, 2);
});

function punctuatingPlan(type: PunctuationType, interval: number, log: string[], hold: { cancellable?: Cancellable; context?: ProcessorContext<unknown, unknown> }) {
  return topologyPlan([
    subtopology(0, [
      source('SRC', ['in'], ['P']),
      processor(
        'P',
        () => ({
          init(ctx) {
            hold.context = ctx;
            hold.cancellable = ctx.schedule(interval, type, (ts) => {
              log.push(`${ts}:${String(ctx.recordMetadata())}`);
              return ctx.forward(streamRecord('p', String(ts), ts));
            });
          },
          process(record) {
            log.push(`record ${String(record.timestamp)}`);
          },
        }),
        ['OUT'],
      ),
      sink('OUT', 'out'),
    ]),
  ]);
}

test('stream-time punctuators fire after the record that moves stream time past their schedule, with stream time', async () => {
  const log: string[] = [];
  const hold: { cancellable?: Cancellable } = {};
  const options = taskOptions(punctuatingPlan(PunctuationType.STREAM_TIME, 10, log, hold));
  const task = new StreamTask(options);
  await task.init();
  task.processBatch([input('in', 0, 'k', 'v', 5), input('in', 1, 'k', 'v', 7), input('in', 2, 'k', 'v', 3), input('in', 3, 'k', 'v', 10)]);
  task.processBatch([input('in', 4, 'k', 'v', 35), input('in', 5, 'k', 'v', 39), input('in', 6, 'k', 'v', 40)]);
  assert.deepEqual(log, ['record 5', '5:undefined', 'record 7', 'record 3', 'record 10', '10:undefined', 'record 35', '35:undefined', 'record 39', 'record 40', '40:undefined']);
  assert.deepEqual(options.collector.sent.map((s) => s.value), ['5', '10', '35', '40']);
  assert.equal(task.counters.punctuations, 4);
  hold.cancellable?.cancel();
  task.processBatch([input('in', 7, 'k', 'v', 100)]);
  assert.equal(log.at(-1), 'record 100');
});

test('wall-clock punctuators fire on maybePunctuateWallClock from one interval after scheduling', async () => {
  const log: string[] = [];
  const hold: { cancellable?: Cancellable } = {};
  let now = 1000;
  const task = new StreamTask(taskOptions(punctuatingPlan(PunctuationType.WALL_CLOCK_TIME, 100, log, hold), { clock: () => now }));
  await task.init();
  assert.equal(task.maybePunctuateWallClock(), false);
  now = 1099;
  assert.equal(task.maybePunctuateWallClock(), false);
  now = 1100;
  assert.equal(task.maybePunctuateWallClock(), true);
  assert.equal(task.maybePunctuateWallClock(1350), true);
  assert.equal(task.maybePunctuateWallClock(1399), false);
  hold.cancellable?.cancel();
  assert.equal(task.maybePunctuateWallClock(5000), false);
  assert.deepEqual(log, ['1100:undefined', '1350:undefined']);
});

test('an interval below 1 ms is a coded error', async () => {
  const hold: { context?: ProcessorContext<unknown, unknown> } = {};
  const task = new StreamTask(taskOptions(punctuatingPlan(PunctuationType.STREAM_TIME, 10, [], hold)));
  await task.init();
  assert.throws(() => hold.context?.schedule(0, PunctuationType.STREAM_TIME, () => undefined), (e: unknown) => isKstError(e, 'KST_PROCESSOR_SCHEDULE_INVALID'));
});

test('a throwing punctuator goes to the processing handler without record context', async () => {
  const dead: unknown[] = [];
  const plan = topologyPlan([
    subtopology(0, [
      source('SRC', ['in'], ['P']),
      processor('P', () => ({
        init(ctx) {
          ctx.schedule(10, PunctuationType.WALL_CLOCK_TIME, () => {
            throw new Error('tick failed');
          });
        },
        process() {},
      })),
    ]),
  ]);
  const task = new StreamTask(taskOptions(plan, { clock: () => 0, processingExceptionHandler: () => 'CONTINUE', deadLetters: (d) => dead.push([d.context.nodeName, d.context.topic, d.input]) }));
  await task.init();
  assert.equal(task.maybePunctuateWallClock(10), true);
  assert.deepEqual(dead, [['P', undefined, undefined]]);
  const strict = new StreamTask(taskOptions(plan, { clock: () => 0 }));
  await strict.init();
  assert.throws(() => strict.maybePunctuateWallClock(10), (e: unknown) => isKstError(e, 'KST_TASK_PROCESSING_FAILED') && /in a punctuator of node "P"/.test(e.message));
});
