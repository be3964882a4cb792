/** The services' configuration: defaults, and invalid values named by key and variable. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ecommerceServiceConfig, ENV_PREFIX } from '../../../topologies/ecommerce/service-config.ts';
import { applicationIdOf } from '../../../topologies/ecommerce/run-service.ts';

test('defaults to exactly-once; a prefix goes before application ids; a bad value names its variable', () => {
  const config = ecommerceServiceConfig.fromEnv({ ECOMMERCE_TOPIC_PREFIX: 'run1-' }, ENV_PREFIX);
  assert.equal(config['processing.guarantee'], 'exactly_once_v2');
  assert.equal(applicationIdOf('order', config), 'run1-ecommerce-order');
  assert.throws(() => ecommerceServiceConfig.fromEnv({ ECOMMERCE_APPLICATION_SERVER: 'nope' }, ENV_PREFIX), /application\.server.*ECOMMERCE_APPLICATION_SERVER/);
  assert.throws(() => ecommerceServiceConfig.parse({ 'fraud.pool.threads': -1 }), (error: Error & { code?: string }) => error.code === 'KST_CONFIG_INVALID' && /fraud\.pool\.threads/.test(error.message));
});

test('local state defaults to .stack/state of this checkout, not a folder every checkout shares', () => {
  const stateDir = ecommerceServiceConfig.parse({})['state.dir'];
  assert.equal(stateDir, fileURLToPath(new URL('../../../.stack/state', import.meta.url)));
  // Not the shared folder of before (a checkout may itself live under the temp folder).
  assert.notEqual(stateDir, join(tmpdir(), 'kstreams-ecommerce'));
});

test('static membership: group.instance.id is empty (dynamic) unless set, and the session timeout sits between a restart and an order step deadline', () => {
  const config = ecommerceServiceConfig.parse({});
  assert.equal(config['group.instance.id'], '');
  assert.ok(config['session.timeout.ms'] < config['order.deadline.ms'], 'a process gone for good hands its partitions over before its orders expire');
  assert.ok(config['order.deadline.ms'] >= 2 * config['session.timeout.ms'], 'a step outlasts the session timeout plus the rebalance and restore after it');
  assert.equal(ecommerceServiceConfig.fromEnv({ ECOMMERCE_GROUP_INSTANCE_ID: 'order-1' }, ENV_PREFIX)['group.instance.id'], 'order-1');
  assert.throws(() => ecommerceServiceConfig.fromEnv({ ECOMMERCE_GROUP_INSTANCE_ID: 'order 1' }, ENV_PREFIX), /group\.instance\.id.*ECOMMERCE_GROUP_INSTANCE_ID/);
});

test('cart expiry: 30 minutes by default, checked every second; a non-positive value fails naming its key and variable', () => {
  const config = ecommerceServiceConfig.parse({});
  assert.equal(config['cart.expiry.ms'], 1_800_000);
  assert.equal(config['cart.expiry.check.interval.ms'], 1_000);
  assert.equal(ecommerceServiceConfig.fromEnv({ ECOMMERCE_CART_EXPIRY_MS: '15000' }, ENV_PREFIX)['cart.expiry.ms'], 15_000);
  assert.throws(() => ecommerceServiceConfig.fromEnv({ ECOMMERCE_CART_EXPIRY_MS: '0' }, ENV_PREFIX), /cart\.expiry\.ms.*ECOMMERCE_CART_EXPIRY_MS/);
  assert.throws(() => ecommerceServiceConfig.parse({ 'cart.expiry.check.interval.ms': 'soon' }), (error: Error & { code?: string }) => error.code === 'KST_CONFIG_INVALID' && /cart\.expiry\.check\.interval\.ms/.test(error.message));
});
