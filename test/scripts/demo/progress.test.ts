import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProgressReporter, renderBar, renderProgress } from '../../../scripts/demo/progress.ts';

test('the bar has its width, fills with the ratio, with eighth cells', () => {
  assert.equal(renderBar(0, 10, 10), '░'.repeat(10));
  assert.equal(renderBar(10, 10, 10), '█'.repeat(10));
  assert.equal(renderBar(5, 10, 10), '█'.repeat(5) + '░'.repeat(5));
  assert.equal(renderBar(1, 16, 2), '▏░');
  assert.equal(renderBar(20, 10, 4), '████', 'more than the total is a full bar');
  assert.equal(renderBar(0, 0, 3), '███', 'an empty total is done');
  for (let done = 0; done <= 37; done++) assert.equal([...renderBar(done, 37, 12)].length, 12);
});

test('a progress line shows counts, percent and detail, with or without the bar', () => {
  const state = { phase: 'placing orders', done: 120, total: 300, detail: '85 final' };
  assert.equal(renderProgress(state, { bar: false }), 'placing orders: 120/300  40% · 85 final');
  assert.equal(renderProgress(state, { bar: true, width: 10 }), `placing orders     ▕████░░░░░░▏ 120/300  40% · 85 final`);
  assert.equal(renderProgress({ phase: 'settling', done: 3, total: 3 }, { bar: false }), 'settling: 3/3 100%');
});

function capture(mode: 'bar' | 'lines') {
  let now = 0;
  const written: string[] = [];
  const reporter = new ProgressReporter({ mode, out: { write: (text: string) => written.push(text), columns: 120 }, now: () => now, lineIntervalMs: 2_000, redrawIntervalMs: 100 });
  return { reporter, written, advance: (ms: number) => (now += ms) };
}

test('lines mode writes a plain line at most every interval, and always at the end of a phase', () => {
  const { reporter, written, advance } = capture('lines');
  reporter.update({ phase: 'p', done: 1, total: 10 });
  advance(500);
  reporter.update({ phase: 'p', done: 2, total: 10 });
  advance(2_000);
  reporter.update({ phase: 'p', done: 3, total: 10 });
  reporter.finish({ phase: 'p', done: 10, total: 10 });
  reporter.update({ phase: 'q', done: 0, total: 5 });
  reporter.finish({ phase: 'q', done: 0, total: 5 });
  assert.deepEqual(written, ['p: 1/10  10%\n', 'p: 3/10  30%\n', 'p: 10/10 100%\n', 'q: 0/5   0%\n']);
  assert.ok(written.every((line) => !line.includes('\r') && !line.includes('\x1b')));
});

test('bar mode redraws in place, throttled, and ends the line when the phase finishes', () => {
  const { reporter, written, advance } = capture('bar');
  reporter.update({ phase: 'p', done: 1, total: 10 });
  advance(10);
  reporter.update({ phase: 'p', done: 2, total: 10 });
  advance(100);
  reporter.update({ phase: 'p', done: 3, total: 10 });
  reporter.log('a warning');
  reporter.finish({ phase: 'p', done: 10, total: 10 });
  assert.equal(written.length, 6);
  assert.ok(written[0]?.startsWith('\r\x1b[2Kp '));
  assert.match(written[1] as string, /3\/10/);
  assert.deepEqual(written.slice(2, 4), ['\r\x1b[2K', 'a warning\n']);
  assert.match(written[4] as string, /10\/10 100%/);
  assert.equal(written[5], '\n');
});
