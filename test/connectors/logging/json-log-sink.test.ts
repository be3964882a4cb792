import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { jsonLogSink } from '../../../connectors/logging/json-log-sink.ts';
import { LoggerRegistry } from '../../../connectors/logging/loggers.ts';

function capture(): { stream: Writable; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const stream = new Writable({ write(chunk, _encoding, done) { chunks.push(String(chunk)); done(); } });
  return { stream, lines: () => chunks.join('').split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as Record<string, unknown>) };
}

test('each line that passes its logger\'s level is one JSON line with service, instance, logger, connector and task', () => {
  const out = capture();
  let instance = '';
  const loggers = new LoggerRegistry('INFO', jsonLogSink({ instance: () => instance, destination: out.stream }));
  loggers.get('io.kstreams.connect.runtime.Worker').info('starting');
  instance = '127.0.0.1:8083';
  const task = loggers.get('io.kstreams.connect.runtime.WorkerSinkTask.orders-pg', { connector: 'orders-pg', task: 'orders-pg-0' });
  task.warn('put failed retriably');
  task.debug('hidden at INFO');
  const [first, second, ...rest] = out.lines();
  assert.equal(rest.length, 0, 'the DEBUG line is dropped at INFO');
  assert.deepEqual({ ...first, time: undefined }, { level: 'info', time: undefined, service: 'connect', instance: String(process.pid), logger: 'io.kstreams.connect.runtime.Worker', msg: 'starting' });
  assert.deepEqual({ ...second, time: undefined }, { level: 'warn', time: undefined, service: 'connect', instance: '127.0.0.1:8083', logger: 'io.kstreams.connect.runtime.WorkerSinkTask.orders-pg', connector: 'orders-pg', task: 'orders-pg-0', msg: 'put failed retriably' });
});

test('a level set on a namespace at runtime (what PUT /admin/loggers does) changes which JSON lines appear', () => {
  const out = capture();
  const loggers = new LoggerRegistry('INFO', jsonLogSink({ instance: () => 'w1', destination: out.stream }));
  const task = loggers.get('io.kstreams.connect.runtime.WorkerSinkTask.orders-pg');
  task.debug('before');
  assert.deepEqual(loggers.setLevel('io.kstreams.connect.runtime', 'DEBUG'), ['io.kstreams.connect.runtime', 'io.kstreams.connect.runtime.WorkerSinkTask.orders-pg']);
  task.debug('after');
  loggers.setLevel('root', 'ERROR');
  task.warn('silenced');
  assert.deepEqual(out.lines().map((line) => [line['level'], line['msg']]), [['debug', 'after']]);
});
