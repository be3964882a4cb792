/**
 * A safety net for test files that run streams clients in the test process: once every
 * test of the file has finished, the process exits within a few seconds even if a client
 * still holds the event loop. Results are already reported by then; the timer is
 * unref'd, so a file that ends on its own is not affected.
 *
 * What held it (traced with an async_hooks probe of live timers): @platformatic/kafka
 * 2.12.1's consumer re-arms its heartbeat-stall timer (`#trackHeartbeatStall`, from
 * `#retryJoinGroup`) when a join that was in flight during `close()` fails afterwards; the
 * timer is ref'd and ran for the stall timeout, by default the rebalance timeout. Our
 * consumer now sets that timeout to 1 s (`processors/kafka/consumer.ts`;
 * `test/processors/kafka/consumer.integration.test.ts` checks a process ends on its own),
 * so this net should stay silent; when it speaks, the message lists the live resource kinds.
 */
import { after } from 'node:test';

after(() => {
  setTimeout(() => {
    const alive = process.getActiveResourcesInfo().filter((kind) => kind !== 'TTYWrap');
    console.error(`exit-after-tests: the event loop was still busy 5 s after the last test (${alive.join(', ')}); exiting (a client was not closed)`);
    process.exit(process.exitCode ?? 0);
  }, 5_000).unref();
});
