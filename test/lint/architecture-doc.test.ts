/**
 * docs/ARCHITECTURE.md shows the layer table lint enforces; this test reads both, so that
 * a rule changed in eslint.config.js without the page (or the other way round) fails.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';

interface Layer {
  readonly files: string;
  readonly forbidden: readonly string[];
  readonly heavy: readonly string[];
}

/** eslint.config.js is plain JavaScript: its exports, typed here. */
const { heavy, layers } = (await import(new URL('../../eslint.config.js', import.meta.url).href)) as {
  readonly heavy: Readonly<Record<string, { readonly name: string }>>;
  readonly layers: readonly Layer[];
};

type Row = Layer;

/** The rows of the table between the `layers:start` and `layers:end` markers. */
function documentedRows(markdown: string): Row[] {
  const start = markdown.indexOf('<!-- layers:start -->');
  const end = markdown.indexOf('<!-- layers:end -->');
  assert.ok(start >= 0 && end > start, 'docs/ARCHITECTURE.md has no <!-- layers:start --> … <!-- layers:end --> table');
  const lines = markdown.slice(start, end).split('\n').filter((line) => line.startsWith('|')).slice(2);
  const items = (cell: string): string[] => [...cell.matchAll(/`([^`]+)`/g)].map((match) => match[1] as string);
  return lines.map((line) => {
    const cells = line.split('|').slice(1, -1).map((cell) => cell.trim());
    assert.equal(cells.length, 3, `a layer row has three cells: ${line}`);
    return { files: items(cells[0] as string)[0] as string, forbidden: items(cells[1] as string), heavy: items(cells[2] as string) };
  });
}

/** The same rows from eslint.config.js, heavy dependencies by package name. */
function lintedRows(): Row[] {
  return layers.map((layer) => ({
    files: layer.files,
    forbidden: layer.forbidden,
    heavy: layer.heavy.map((key) => {
      const dependency = heavy[key];
      assert.ok(dependency !== undefined, `${layer.files}: unknown heavy dependency ${key}`);
      return dependency.name;
    }),
  }));
}

test('the layer table of docs/ARCHITECTURE.md is the one eslint.config.js enforces, row for row', async () => {
  const markdown = await readFile(new URL('../../docs/ARCHITECTURE.md', import.meta.url), 'utf8');
  const documented = documentedRows(markdown);
  const linted = lintedRows();
  assert.ok(linted.length > 10, 'eslint.config.js exports its layers');
  assert.deepEqual(documented.map((row) => row.files), linted.map((row) => row.files), 'the same folders, in the same order');
  for (const [index, row] of linted.entries()) {
    const doc = documented[index] as Row;
    assert.deepEqual([...doc.forbidden].sort(), [...row.forbidden].sort(), `${row.files}: may not import`);
    assert.deepEqual([...doc.heavy].sort(), [...row.heavy].sort(), `${row.files}: heavy dependencies`);
  }
});

test('the engine folders may not import any application folder', () => {
  const application = ['topologies', 'gateway', 'connectors', 'scripts'];
  const engine = layers.filter((layer) => /^(common|schemas|state|processors)\//.test(layer.files));
  assert.ok(engine.length >= 4);
  for (const layer of engine) {
    for (const folder of application) assert.ok(layer.forbidden.includes(folder), `${layer.files} must not import ${folder}/`);
  }
});
