import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULTS, parseRecoverySettings } from '../../../bench/recovery/settings.ts';

test('defaults: both engines and scenarios, ten kills, 10 s session timeout, one standby', () => {
  const settings = parseRecoverySettings([], 'h:1');
  assert.deepEqual(settings, { ...DEFAULTS, bootstrap: 'h:1' });
  assert.equal(settings.kills, 10);
  assert.equal(settings.sessionTimeoutMs, 10_000);
  assert.equal(settings.standbyReplicas, 1);
});

test('flags override the defaults', () => {
  const settings = parseRecoverySettings(['--kills=3', '--engines=ours', '--scenarios=single', '--rate=1_000', '--standbys=0'], 'h:1');
  assert.deepEqual([settings.kills, settings.engines, settings.scenarios, settings.recordsPerSecond, settings.standbyReplicas], [3, ['ours'], ['single'], 1000, 0]);
});

test('unknown flags, engines and bad numbers fail with the flag named', () => {
  assert.throws(() => parseRecoverySettings(['--nope=1'], 'h:1'), /unknown flag --nope=1/);
  assert.throws(() => parseRecoverySettings(['--engines=flink'], 'h:1'), /--engines: unknown "flink"/);
  assert.throws(() => parseRecoverySettings(['--kills=x'], 'h:1'), /--kills must be a non-negative integer/);
  assert.throws(() => parseRecoverySettings(['--kills=0'], 'h:1'), /--kills/);
});
