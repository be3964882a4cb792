import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isKstError } from '../../../common/errors.ts';
import { DEV_JWT_SECRET, parseDemoConfig, resolveRunId } from '../../../scripts/demo/demo-config.ts';

test('defaults: the local gateway, the development secret, 300 orders', () => {
  const config = parseDemoConfig([], {});
  assert.equal(config['gateway.url'], 'http://127.0.0.1:8080');
  assert.equal(config['jwt.secret'], DEV_JWT_SECRET);
  assert.equal(config.orders, 300);
  assert.equal(config['share.out.of.stock'], 0.15);
});

test('flags win over DEMO_* variables; dashes or dots both name a key', () => {
  const config = parseDemoConfig(['--orders=40', '--poll-interval-ms=250', '--share.cancelled=0.5'], { DEMO_ORDERS: '10', DEMO_RATE: '3' });
  assert.equal(config.orders, 40);
  assert.equal(config.rate, 3);
  assert.equal(config['poll.interval.ms'], 250);
  assert.equal(config['share.cancelled'], 0.5);
});

test('bad values fail naming the key (and the variable), unknown flags fail', () => {
  const fails = (argv: string[], env: Record<string, string>, pattern: RegExp): void => {
    assert.throws(() => parseDemoConfig(argv, env), (error: unknown) => isKstError(error, 'KST_CONFIG_INVALID') && pattern.test(error.message));
  };
  fails([], { DEMO_RATE: '0' }, /"rate" must be at least 1.*DEMO_RATE/);
  fails(['--share-too-expensive=1.5'], {}, /share\.too\.expensive.*from 0 to 1/);
  fails(['--gateway-url=localhost:8080'], {}, /gateway\.url/);
  fails(['--jwt-secret=short'], {}, /jwt\.secret/);
  fails(['--nope=1'], {}, /unknown argument "--nope=1"/);
  fails(['orders=3'], {}, /unknown argument/);
});

test('the run id is the configured one or one from the clock', () => {
  assert.equal(resolveRunId(parseDemoConfig(['--run-id=abc'], {})), 'abc');
  assert.equal(resolveRunId(parseDemoConfig([], {}), 36 ** 3), 'd1000');
});
