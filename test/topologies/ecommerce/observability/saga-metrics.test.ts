import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Registry } from 'prom-client';
import type { LogFields, Logger } from '../../../../common/logger.ts';
import type { OrderStatus, OrderView } from '../../../../topologies/ecommerce/contracts/views.ts';
import { SAGA_STEP_METRIC, SagaMetrics } from '../../../../topologies/ecommerce/observability/saga-metrics.ts';

function view(status: OrderStatus, history: ReadonlyArray<readonly [OrderStatus, number]>): OrderView {
  return {
    orderId: 'o-1', customerId: 'c-1', status, items: [], totalCents: 0, createdAtMs: 0, updatedAtMs: history.at(-1)?.[1] ?? 0,
    history: history.map(([s, atMs]) => ({ status: s, atMs })),
  };
}

test('a transition is observed as the time between the two statuses of the order\'s history, by from and to, and logged at debug with its orderId', async () => {
  const logged: Array<[string, LogFields | undefined]> = [];
  const logger: Logger = { error: () => undefined, warn: () => undefined, info: () => undefined, debug: (message, fields) => logged.push([message, fields]), child: () => logger };
  const saga = new SagaMetrics(logger);
  const registry = new Registry();
  registry.registerMetric(saga.histogram);
  saga.observer({ before: view('PENDING', [['PENDING', 1_000]]), after: view('RESERVED', [['PENDING', 1_000], ['RESERVED', 1_250]]) });
  saga.observer({ before: view('RESERVED', [['PENDING', 1_000], ['RESERVED', 1_250]]), after: view('PAID', [['PENDING', 1_000], ['RESERVED', 1_250], ['PAID', 4_250]]) });
  const text = await registry.metrics();
  assert.match(text, new RegExp(`${SAGA_STEP_METRIC}_sum\\{from="PENDING",to="RESERVED"\\} 0\\.25\\b`));
  assert.match(text, new RegExp(`${SAGA_STEP_METRIC}_count\\{from="RESERVED",to="PAID"\\} 1\\b`));
  assert.match(text, new RegExp(`${SAGA_STEP_METRIC}_sum\\{from="RESERVED",to="PAID"\\} 3\\b`));
  assert.deepEqual(logged.map(([, fields]) => fields?.['orderId']), ['o-1', 'o-1']);
  assert.match(logged[0]?.[0] ?? '', /PENDING → RESERVED after 250 ms/);
});

test('the histogram is in no registry until the service adds it (one per streams client, no global collision)', async () => {
  const first = new SagaMetrics();
  const second = new SagaMetrics();
  const a = new Registry();
  const b = new Registry();
  a.registerMetric(first.histogram);
  b.registerMetric(second.histogram);
  first.observer({ before: view('PAID', [['PAID', 0]]), after: view('SHIPPED', [['PAID', 0], ['SHIPPED', 2_000]]) });
  assert.match(await a.metrics(), /from="PAID",to="SHIPPED"/);
  assert.doesNotMatch(await b.metrics(), /from="PAID"/);
});
