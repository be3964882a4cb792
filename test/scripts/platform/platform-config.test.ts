import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isKstError } from '../../../common/errors.ts';
import { serviceEnvironment } from '../../../scripts/platform/platform-config.ts';

test('the launcher gives each process its own state folder, endpoint and group.instance.id: they are refused as service settings', () => {
  for (const key of ['state.dir', 'application.server', 'group.instance.id']) {
    assert.throws(() => serviceEnvironment({ [key]: 'x' }), (error: unknown) => isKstError(error, 'KST_CONFIG_INVALID') && error.details['key'] === key, key);
  }
  const env = serviceEnvironment({ 'session.timeout.ms': 15_000 });
  assert.equal(env['ECOMMERCE_SESSION_TIMEOUT_MS'], '15000');
  assert.equal(env['ECOMMERCE_GROUP_INSTANCE_ID'], undefined);
});
