import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stopWaves, withDependencies, type DependsOn } from '../../../scripts/stack/dependencies.ts';
import type { ServiceName } from '../../../scripts/stack/service.ts';

const stackDeps: DependsOn = (name) => (name === 'registry' ? ['kafka'] : []);

test('a requested service brings up what it needs, needed ones first', () => {
  assert.deepEqual(withDependencies(['registry'], stackDeps), ['kafka', 'registry']);
  assert.deepEqual(withDependencies(['postgres', 'registry', 'kafka'], stackDeps), ['postgres', 'kafka', 'registry']);
  assert.deepEqual(withDependencies(['opensearch'], stackDeps), ['opensearch']);
});

test('down stops a dependent before what it needs; the others in the first wave', () => {
  assert.deepEqual(stopWaves(['kafka', 'registry', 'opensearch', 'postgres'], stackDeps), [['registry', 'opensearch', 'postgres'], ['kafka']]);
  assert.deepEqual(stopWaves(['kafka'], stackDeps), [['kafka']]);
  assert.deepEqual(stopWaves(['registry'], stackDeps), [['registry']]);
});

test('a dependency cycle is a coded configuration error, not a hang', () => {
  const cyclic: DependsOn = (name): readonly ServiceName[] => (name === 'kafka' ? ['registry'] : name === 'registry' ? ['kafka'] : []);
  assert.throws(() => withDependencies(['registry'], cyclic), { code: 'KST_CONFIG_INVALID' });
  assert.throws(() => stopWaves(['kafka', 'registry'], cyclic), { code: 'KST_CONFIG_INVALID' });
});
