import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isKstError } from '../../../common/errors.ts';
import { METRICS_PORT_OFFSET, metricsBasePort, parsePlatformConfig, serviceEnvironment, withStandbyDefault } from '../../../scripts/platform/platform-config.ts';

test('each platform process keeps its state under .stack/state/<service>-<n> of this checkout by default', () => {
  const config = parsePlatformConfig({});
  assert.equal(config['state.dir'], fileURLToPath(new URL('../../../.stack/state', import.meta.url)));
  assert.equal(join(config['state.dir'], 'order-0').endsWith(join('.stack', 'state', 'order-0')), true);
  assert.equal(parsePlatformConfig({ 'state.dir': '/srv/state' })['state.dir'], '/srv/state');
});

test('the launcher gives each process its own state folder, endpoint and group.instance.id: they are refused as service settings', () => {
  for (const key of ['state.dir', 'application.server', 'group.instance.id']) {
    assert.throws(() => serviceEnvironment({ [key]: 'x' }), (error: unknown) => isKstError(error, 'KST_CONFIG_INVALID') && error.details['key'] === key, key);
  }
  const env = serviceEnvironment({ 'session.timeout.ms': 15_000 });
  assert.equal(env['ECOMMERCE_SESSION_TIMEOUT_MS'], '15000');
  assert.equal(env['ECOMMERCE_GROUP_INSTANCE_ID'], undefined);
});

test('two or more instances of a service get one standby replica unless the settings say otherwise', () => {
  assert.equal(serviceEnvironment(withStandbyDefault({}, 1))['ECOMMERCE_NUM_STANDBY_REPLICAS'], '0');
  assert.equal(serviceEnvironment(withStandbyDefault({}, 2))['ECOMMERCE_NUM_STANDBY_REPLICAS'], '1');
  assert.equal(serviceEnvironment(withStandbyDefault({ 'num.standby.replicas': 0 }, 3))['ECOMMERCE_NUM_STANDBY_REPLICAS'], '0');
});

test('metrics ports: derived from the query ports by default (free ports when those are), counted up from metrics.base.port when set', () => {
  assert.equal(metricsBasePort(parsePlatformConfig({})), 50_051 + METRICS_PORT_OFFSET);
  assert.equal(metricsBasePort(parsePlatformConfig({ 'query.base.port': 0 })), 0, 'tests bind free query ports, so free metrics ports too');
  assert.equal(metricsBasePort(parsePlatformConfig({ 'query.base.port': 0, 'metrics.base.port': 9400 })), 9400);
  assert.equal(metricsBasePort(parsePlatformConfig({ 'metrics.base.port': '0' })), 0);
});

test('an invalid or too high metrics.base.port fails naming the key; the metrics port is refused as a service setting', () => {
  for (const value of ['-2', 'x', 65_536]) {
    assert.throws(() => parsePlatformConfig({ 'metrics.base.port': value }), (error: unknown) => isKstError(error, 'KST_CONFIG_INVALID') && /metrics\.base\.port/.test(error.message), String(value));
  }
  assert.throws(() => parsePlatformConfig({ instances: 4, 'metrics.base.port': 65_530 }), (error: unknown) => isKstError(error, 'KST_CONFIG_INVALID') && error.details['key'] === 'metrics.base.port');
  assert.throws(() => serviceEnvironment({ 'metrics.port': 9400 }), (error: unknown) => isKstError(error, 'KST_CONFIG_INVALID') && error.details['key'] === 'metrics.port');
});
