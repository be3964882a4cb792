/**
 * A safety net for test files that run streams clients in the test process: once every
 * test of the file has finished, the process exits within a few seconds even if a client
 * still holds the event loop. Results are already reported by then; the timer is
 * unref'd, so a file that ends on its own is not affected.
 *
 * What holds it (traced with an async_hooks probe of live timers): @platformatic/kafka
 * 2.12.1's consumer re-arms its heartbeat-stall timer (`#trackHeartbeatStall`, from
 * `#retryJoinGroup`) when a join that was in flight during `close()` fails afterwards; the
 * timer is ref'd and runs for the rebalance timeout plus the stall timeout, then does
 * nothing because the consumer is closed. No socket stays open. It shows in files that
 * close members while their group rebalances. The message lists the live resource kinds.
 */
import { after } from 'node:test';

after(() => {
  setTimeout(() => {
    const alive = process.getActiveResourcesInfo().filter((kind) => kind !== 'TTYWrap');
    console.error(`exit-after-tests: the event loop was still busy 5 s after the last test (${alive.join(', ')}); exiting (a client was not closed)`);
    process.exit(process.exitCode ?? 0);
  }, 5_000).unref();
});
