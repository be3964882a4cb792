/**
 * The package as a project outside this repository gets it: `npm pack` (whose prepack
 * builds dist/), the tarball installed into a temporary project, and there, with only the
 * package's public entry points:
 *  - a TypeScript word count compiled by tsc (strict) against the installed declarations
 *    and run by plain `node`, with two stream threads (worker threads load the engine's
 *    worker module from the package), on the real broker; its output counts are checked;
 *  - a test-driver test in plain JavaScript importing `kstreams-ts/testing`;
 *  - type tests: every `@ts-expect-error` in test/fixtures/package/src/type-errors.ts must
 *    be needed, or tsc fails, so the DSL's types are shown to reject what they must.
 * The tarball's file list is checked too: the engine only, none of the application.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { uniqueName } from '../support/names.ts';
import { StreamsHarness } from '../integration/streams/support/harness.ts';
import { wordLines } from '../integration/streams/support/inputs.ts';
import { latestPerKey, produceAll, readToEnd } from '../integration/streams/support/kafka-io.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const fixture = join(root, 'test/fixtures/package');
const tsc = join(root, 'node_modules/typescript/bin/tsc');
const PARTITIONS = 2;
const LINES = 400;

interface Run { stdout: string; stderr: string }

/** This environment without node:test's marker, so that a test run in the project reports as a top-level run. */
const childEnv = Object.fromEntries(Object.entries(process.env).filter(([key]) => key !== 'NODE_TEST_CONTEXT'));

/** Runs a command to its end; a failure carries the command's whole output. */
function run(command: string, args: readonly string[], cwd: string, timeoutMs: number): Promise<Run> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd, env: childEnv, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error === null) resolve({ stdout, stderr });
      else reject(new Error(`${command} ${args.join(' ')} (in ${cwd}) failed: ${error.message}\n--- stdout\n${stdout}\n--- stderr\n${stderr}`));
    });
  });
}

interface PackResult { filename: string; files: { path: string }[] }

/** What the tarball must hold, and what it must not: the engine's built modules, nothing of the application or the sources. */
function checkTarballFiles(files: readonly string[]): void {
  for (const entry of ['dist/index.js', 'dist/index.d.ts', 'dist/testing.js', 'dist/testing.d.ts', 'dist/processors/client/worker.js', 'package.json', 'README.md']) {
    assert.ok(files.includes(entry), `the tarball holds ${entry}`);
  }
  const outside = files.filter((file) => !file.startsWith('dist/') && !['package.json', 'README.md', 'LICENSE'].includes(file));
  assert.deepEqual(outside, [], 'nothing outside dist/ but package.json and the README');
  const application = files.filter((file) => /^dist\/(topologies|gateway|connectors|scripts|test|bench)\//.test(file));
  assert.deepEqual(application, [], 'none of the application (topologies, gateway, connectors, scripts) nor tests or benchmarks');
  for (const engine of ['dist/processors/dsl/index.js', 'dist/processors/compiler/compile.js']) assert.ok(files.includes(engine), `the tarball holds the DSL and its compiler: ${engine}`);
  const sources = files.filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'));
  assert.deepEqual(sources, [], 'JavaScript and declarations only, no TypeScript sources');
}

test('the packed package installs into a project outside the repository: a compiled word count on the broker, a JS test-driver test, type tests', { timeout: 150_000 }, async (t) => {
  const work = mkdtempSync(join(tmpdir(), 'kst-package-'));
  const h = new StreamsHarness('package');
  let passed = false;
  t.after(async () => {
    await h.close();
    if (passed) rmSync(work, { recursive: true, force: true });
    else console.log(`the packed project is kept in ${work}`);
  });

  // The broker's part runs while the package is packed and installed.
  const appId = uniqueName('kst-it-package');
  const input = uniqueName('kst-it-package-lines');
  const output = uniqueName('kst-it-package-counts');
  const produced = (async () => {
    await h.createTopics([input, output], PARTITIONS);
    const { records, counts } = wordLines(input, LINES);
    await produceAll(h.producer, records);
    return counts;
  })();
  produced.catch(() => undefined); // awaited below; no unhandled rejection meanwhile

  const packed = await run('npm', ['pack', '--json', '--pack-destination', work], root, 90_000);
  const [result] = JSON.parse(packed.stdout) as PackResult[];
  assert.ok(result !== undefined, `npm pack reported a tarball: ${packed.stdout}`);
  checkTarballFiles(result.files.map((file) => file.path));
  h.log(`packed ${result.filename}: ${result.files.length} files`);

  const project = join(work, 'project');
  cpSync(fixture, project, { recursive: true });
  const typesNode = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> }).devDependencies['@types/node'];
  assert.ok(typesNode !== undefined, 'the repository pins @types/node');
  await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', join(work, result.filename), `@types/node@${typesNode}`], project, 90_000);
  h.log('installed the tarball into the project');

  // tsc fails on a type error in the word count and on any @ts-expect-error that is not needed.
  await run(process.execPath, [tsc, '-p', 'tsconfig.json'], project, 60_000);
  h.log('compiled the word count and the type tests against the installed declarations');

  const driverTest = await run(process.execPath, ['driver.test.js'], project, 30_000);
  assert.match(driverTest.stdout, /^ℹ pass 1$/m, `the JS test-driver test passed:\n${driverTest.stdout}`);
  assert.match(driverTest.stdout, /^ℹ fail 0$/m);

  const expected = await produced;
  const app = h.app('package-wc', join(project, 'dist/word-count.js'), appId, 'at_least_once', { KST_INPUT_TOPIC: input, KST_OUTPUT_TOPIC: output });
  app.start();
  await app.waitFor(/^STATE RUNNING /, { timeoutMs: 45_000 });
  h.log('the word count runs');

  const sorted = (counts: ReadonlyMap<string, number>): [string, number][] => [...counts].sort(([a], [b]) => a.localeCompare(b));
  const deadline = Date.now() + 45_000;
  let actual = new Map<string, number>();
  while (JSON.stringify(sorted(actual)) !== JSON.stringify(sorted(expected))) {
    if (Date.now() > deadline) {
      assert.fail(`the word counts on ${output} did not reach the expected ones within 45 s\nexpected ${JSON.stringify(sorted(expected))}\nlast read ${JSON.stringify(sorted(actual))}\n${app.tail(40)}`);
    }
    actual = latestPerKey((await readToEnd(h.client, output, PARTITIONS, 20_000)).records);
  }
  assert.deepEqual(sorted(actual), sorted(expected));
  assert.equal(await app.stop(), true, 'the word count closes cleanly on SIGTERM');
  assert.ok(app.matching(/^CLOSED$/).length === 1, 'it printed CLOSED after close()');
  h.passed();
  passed = true;
});
