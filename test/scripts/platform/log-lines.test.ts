import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readableLine, readableLogFileLine } from '../../../scripts/platform/log-lines.ts';

test('a JSON log line reads as its level and message, with the thread, task, orderId and state it names', () => {
  const line = JSON.stringify({ level: 'warn', time: '2026-01-01T00:00:00.000Z', service: 'order', instance: 'order-0', task: '0_1', orderId: 'o-1', msg: 'lost its transaction' });
  assert.equal(readableLine(line), 'WARN lost its transaction (task=0_1, orderId=o-1)');
  assert.equal(readableLine(JSON.stringify({ level: 'info', msg: 'client state RUNNING', state: 'RUNNING' })), 'INFO client state RUNNING (state=RUNNING)');
  assert.equal(readableLine(JSON.stringify({ level: 50, msg: 'numeric levels too' })), 'ERROR numeric levels too');
});

test('contract lines, stack traces and JSON that is no log line come back unchanged', () => {
  for (const line of ['order state RUNNING', '    at run (file.ts:1:2)', '{"not":"a log line"}', '{broken', '']) assert.equal(readableLine(line), line);
});

test('a log file line keeps its time stamp and has its JSON part made readable', () => {
  assert.equal(readableLogFileLine(`2026-01-01T00:00:00.000Z ${JSON.stringify({ level: 'error', msg: 'boom' })}`), '2026-01-01T00:00:00.000Z ERROR boom');
  assert.equal(readableLogFileLine('2026-01-01T00:00:00.000Z [stderr] oops'), '2026-01-01T00:00:00.000Z [stderr] oops');
});
