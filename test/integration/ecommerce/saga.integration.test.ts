/**
 * Acceptance of the e-commerce platform against the real stack, 2 processes of every
 * service (started by the platform launcher): 1,000 orders mixing in-stock, out-of-stock,
 * partly-in-stock, unknown products, insufficient balance, fraud (score and velocity),
 * cancellation at PENDING, RESERVED and PAID, a refused cancel after SHIPPED, and deadline
 * expiry (see `support/workload.ts` for why each outcome is known in advance). Every order
 * must end as planned; stock and money must be conserved, to the unit and the cent; each
 * transition must have exactly one notification. The second run SIGKILLs one process of
 * each service after 400 orders and restarts it on its state: the same must hold.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runSaga, type SagaRunReport } from './support/saga-run.ts';

/** The fingerprint of the run without a crash, when it ran first in this process. */
let calmFingerprint: string | undefined;

function verify(report: SagaRunReport, log: (line: string) => void): void {
  log(`outcomes: ${JSON.stringify(report.outcomes)}`);
  log(`fingerprint of final states and figures: ${report.fingerprint}; timings (ms): ${JSON.stringify(report.timings)}`);
  log(`cancels landed at: ${JSON.stringify(report.cancelStages)}`);
  const show = (problems: readonly string[]): string => `${problems.length} problems:\n${problems.slice(0, 40).join('\n')}`;
  assert.deepEqual(report.orderProblems, [], `orders did not end as planned — ${show(report.orderProblems)}`);
  assert.deepEqual(report.conservationProblems, [], `stock, money or notifications wrong — ${show(report.conservationProblems)}`);
  assert.equal(report.orders, 1_000);
}

test('1,000 orders through the saga, 2 processes per service: planned outcomes, stock and money conserved, one notification per transition', { timeout: 300_000 }, async (t) => {
  const log = (line: string): void => t.diagnostic(line);
  const report = await runSaga({ log: (line) => console.log(`[saga] ${line}`) });
  verify(report, log);
  calmFingerprint = report.fingerprint;
  assert.deepEqual(report.uncleanStops, [], 'every process closes cleanly on SIGTERM');
});

test('the same with one process of each service SIGKILLed after 400 orders and restarted on its state', { timeout: 300_000 }, async (t) => {
  const log = (line: string): void => t.diagnostic(line);
  const report = await runSaga({ crashAfterOrders: 400, log: (line) => console.log(`[saga+crash] ${line}`) });
  verify(report, log);
  // Both runs are checked against the same plan; when both ran here, their end states must also hash alike.
  if (calmFingerprint !== undefined) assert.equal(report.fingerprint, calmFingerprint, 'the run with crashes ended otherwise than the run without');
});
