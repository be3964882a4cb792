import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parsePlatformConfig } from '../../../scripts/platform/platform-config.ts';

test('each platform process keeps its state under .stack/state/<service>-<n> of this checkout by default', () => {
  const config = parsePlatformConfig({});
  assert.equal(config['state.dir'], fileURLToPath(new URL('../../../.stack/state', import.meta.url)));
  assert.equal(join(config['state.dir'], 'order-0').endsWith(join('.stack', 'state', 'order-0')), true);
  assert.equal(parsePlatformConfig({ 'state.dir': '/srv/state' })['state.dir'], '/srv/state');
});
