import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isKstError } from '../../../common/errors.ts';
import { compatibilityLevel, isCompatibilityLevel, topicNameStrategy } from '../../../schemas/registry/subject.ts';

test('topicNameStrategy names <topic>-value and <topic>-key', () => {
  assert.equal(topicNameStrategy('orders.events'), 'orders.events-value');
  assert.equal(topicNameStrategy('orders.events', true), 'orders.events-key');
});

test('compatibility levels are validated, case-insensitively in config', () => {
  assert.equal(isCompatibilityLevel('BACKWARD_TRANSITIVE'), true);
  assert.equal(isCompatibilityLevel('backward'), false);
  assert.equal(compatibilityLevel('full', 'registry.compatibility'), 'FULL');
  assert.throws(() => compatibilityLevel('SIDEWAYS', 'registry.compatibility'), (error) => isKstError(error, 'KST_CONFIG_INVALID') && error.details['key'] === 'registry.compatibility');
});
