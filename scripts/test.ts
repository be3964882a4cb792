/**
 * The test command: `npm test` runs unit and integration tests in one node:test run;
 * `npm test -- unit` only the unit tests (no servers needed), `npm test -- integration`
 * only the integration tests. Integration tests are the files named `*.integration.test.ts`;
 * for them a global setup brings the local stack up (reusing servers that already run) and
 * stops at the end what it started, unless STACK_KEEP=1.
 */

import { globSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const mode = process.argv[2] ?? 'all';
if (!['all', 'unit', 'integration'].includes(mode)) {
  console.error(`usage: npm test [-- all|unit|integration] (got "${mode}")`);
  process.exit(2);
}

const files = globSync('test/**/*.test.ts', { cwd: root }).sort();
const isIntegration = (file: string): boolean => file.endsWith('.integration.test.ts');
const selected = files.filter((file) => mode === 'all' || (mode === 'integration') === isIntegration(file));
if (selected.length === 0) {
  console.error(`no ${mode} test files found under test/`);
  process.exit(1);
}

const args = ['--test', '--test-reporter=spec', `--test-concurrency=${process.env['TEST_CONCURRENCY'] ?? '3'}`];
if (selected.some(isIntegration)) args.push('--test-global-setup=test/support/global-setup.ts');

const child = spawn(process.execPath, [...args, ...selected], { cwd: root, stdio: 'inherit' });
child.on('exit', (code, signal) => process.exit(code ?? (signal === null ? 1 : 128)));
