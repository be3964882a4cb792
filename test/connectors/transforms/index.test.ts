import { test } from 'node:test';
import assert from 'node:assert/strict';
import { predicatePlugins, transformPlugins } from '../../../connectors/transforms/index.ts';

test('the registry holds Connect\'s class names, $Key and $Value variants, and predicates', () => {
  const names = transformPlugins.map((p) => p.className);
  for (const simple of ['InsertField', 'ReplaceField', 'ExtractField', 'TimestampConverter', 'Flatten', 'Cast', 'HoistField', 'MaskField']) {
    assert.ok(names.includes(`org.apache.kafka.connect.transforms.${simple}$Key`), simple);
    assert.ok(names.includes(`org.apache.kafka.connect.transforms.${simple}$Value`), simple);
  }
  for (const simple of ['ValueToKey', 'RegexRouter', 'Filter']) assert.ok(names.includes(`org.apache.kafka.connect.transforms.${simple}`), simple);
  assert.deepEqual(predicatePlugins.map((p) => p.aliases[0]), ['TopicNameMatches', 'HasHeaderKey', 'RecordIsTombstone']);
  assert.equal(new Set(names).size, names.length);
});

test('every plugin creates a fresh instance and documents its keys', () => {
  for (const plugin of [...transformPlugins, ...predicatePlugins]) {
    assert.notEqual(plugin.create(), plugin.create());
    for (const key of plugin.configDef) assert.ok(key.documentation.length > 0, `${plugin.className} ${key.name}`);
  }
});
