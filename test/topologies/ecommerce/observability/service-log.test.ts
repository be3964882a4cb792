import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { isKstError } from '../../../../common/errors.ts';
import { engineLogger, serviceLog } from '../../../../topologies/ecommerce/observability/service-log.ts';
import { ecommerceServiceConfig, ENV_PREFIX } from '../../../../topologies/ecommerce/service-config.ts';

function capture(): { stream: Writable; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const stream = new Writable({ write(chunk, _encoding, done) { chunks.push(String(chunk)); done(); } });
  return { stream, lines: () => chunks.join('').split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as Record<string, unknown>) };
}

test('every line is JSON with service, instance, level, time and message; the engine adapter adds thread and task', () => {
  const out = capture();
  const log = serviceLog({ service: 'order', instance: 'order-0', level: 'info', destination: out.stream });
  const engine = engineLogger(log).child({ thread: 'order-StreamThread-1' });
  engine.warn('skipped a record', { task: '0_1' });
  engine.info('assigned');
  log.info({ orderId: 'o-1' }, 'order PENDING → RESERVED');
  const [first, second, third] = out.lines();
  assert.deepEqual({ ...first, time: undefined }, { level: 'warn', time: undefined, service: 'order', instance: 'order-0', thread: 'order-StreamThread-1', task: '0_1', msg: 'skipped a record' });
  assert.match(String(first?.['time']), /^\d{4}-\d\d-\d\dT/);
  assert.equal(second?.['msg'], 'assigned');
  assert.equal(third?.['orderId'], 'o-1');
});

test('the level drops what is below it; an empty instance becomes host and pid', () => {
  const out = capture();
  const log = engineLogger(serviceLog({ service: 'payment', instance: '', level: 'warn', destination: out.stream }));
  log.debug('hidden');
  log.info('hidden');
  log.error('shown');
  const lines = out.lines();
  assert.deepEqual(lines.map((line) => line['msg']), ['shown']);
  assert.match(String(lines[0]?.['instance']), new RegExp(`-${process.pid}$`));
});

test('ECOMMERCE_LOG_LEVEL and the metrics port are validated, naming the variable', () => {
  assert.equal(ecommerceServiceConfig.fromEnv({ ECOMMERCE_LOG_LEVEL: 'debug' }, ENV_PREFIX)['log.level'], 'debug');
  assert.equal(ecommerceServiceConfig.parse({})['log.level'], 'info');
  assert.equal(ecommerceServiceConfig.parse({})['metrics.port'], 0);
  for (const [variable, value] of [['ECOMMERCE_LOG_LEVEL', 'loud'], ['ECOMMERCE_METRICS_PORT', '70000'], ['ECOMMERCE_METRICS_PORT', 'x']] as const) {
    assert.throws(() => ecommerceServiceConfig.fromEnv({ [variable]: value }, ENV_PREFIX), (error: unknown) => isKstError(error, 'KST_CONFIG_INVALID') && error.message.includes(variable), `${variable}=${value}`);
  }
});
