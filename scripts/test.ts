/**
 * The test command: `npm test` runs unit and integration tests; `npm test -- unit` only the
 * unit tests (no servers needed), `npm test -- integration` only the integration tests.
 * Integration tests are the files named `*.integration.test.ts`; the local stack is brought
 * up once before them (reusing servers that already run) and what this run started is
 * stopped at the end, unless STACK_KEEP=1.
 *
 * Two phases: every file runs concurrently (`TEST_CONCURRENCY`, default 3), except the files
 * named `*.serial.integration.test.ts` — they kill or restart servers the others use (the
 * broker, for chaos tests) — which run afterwards, one at a time. The run ends with one line
 * counting both phases.
 */

import { globSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadStackConfig } from './stack/config.ts';
import { ensureChromium } from './stack/chromium.ts';
import { down, up } from './stack/stack.ts';

const root = fileURLToPath(new URL('../', import.meta.url));
const mode = process.argv[2] ?? 'all';
if (!['all', 'unit', 'integration'].includes(mode)) {
  console.error(`usage: npm test [-- all|unit|integration] (got "${mode}")`);
  process.exit(2);
}

const files = globSync('test/**/*.test.ts', { cwd: root }).sort();
const isIntegration = (file: string): boolean => file.endsWith('.integration.test.ts');
const isSerial = (file: string): boolean => file.endsWith('.serial.integration.test.ts');
const selected = files.filter((file) => mode === 'all' || (mode === 'integration') === isIntegration(file));
if (selected.length === 0) {
  console.error(`no ${mode} test files found under test/`);
  process.exit(1);
}

interface Counts { tests: number; passed: number; failed: number; skipped: number; code: number }

/** Runs one node:test process, echoing its output, and reads its closing counts. */
function runPhase(phaseFiles: readonly string[], concurrency: number): Promise<Counts> {
  const args = ['--test', '--test-reporter=spec', `--test-concurrency=${concurrency}`, ...phaseFiles];
  const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  const counts: Counts = { tests: 0, passed: 0, failed: 0, skipped: 0, code: 1 };
  let tail = '';
  child.stdout.on('data', (chunk: Buffer) => {
    process.stdout.write(chunk);
    tail = (tail + chunk.toString('utf8')).slice(-4096);
  });
  return new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      const read = (name: string): number => Number(new RegExp(`^ℹ ${name} (\\d+)$`, 'm').exec(tail)?.[1] ?? 0);
      counts.tests = read('tests');
      counts.passed = read('pass');
      counts.failed = read('fail') + read('cancelled');
      counts.skipped = read('skipped') + read('todo');
      counts.code = code ?? (signal === null ? 1 : 128);
      resolve(counts);
    });
  });
}

const concurrent = selected.filter((file) => !isSerial(file));
const serial = selected.filter(isSerial);
const needsStack = selected.some(isIntegration);
const stackConfig = loadStackConfig();
let startedHere: string[] = [];
if (needsStack) {
  // The ops page's browser test drives Debian's chromium.
  ensureChromium((line: string) => console.log(`[stack] ${line}`));
  const started = Date.now();
  const results = await up(stackConfig, undefined, (line: string) => console.log(`[stack] ${line}`));
  startedHere = results.filter((result) => result.startedNow).map((result) => result.service);
  console.log(`[stack] ready in ${((Date.now() - started) / 1000).toFixed(1)}s (started now: ${startedHere.join(', ') || 'none'})`);
}

const phases: Counts[] = [];
try {
  if (concurrent.length > 0) phases.push(await runPhase(concurrent, Number(process.env['TEST_CONCURRENCY'] ?? '3')));
  if (serial.length > 0) {
    console.log(`\n== serial phase: ${serial.length} file(s) that disturb shared servers, one at a time`);
    phases.push(await runPhase(serial, 1));
  }
} finally {
  if (startedHere.length > 0 && process.env['STACK_KEEP'] !== '1') await down(stackConfig, startedHere as Parameters<typeof down>[1]);
}

const sum = (key: keyof Counts): number => phases.reduce((total, phase) => total + phase[key], 0);
const failedPhase = phases.find((phase) => phase.code !== 0);
console.log(`\ntests: ${sum('passed')} passed, ${sum('failed')} failed, ${sum('skipped')} skipped`);
process.exit(failedPhase === undefined ? 0 : failedPhase.code);
