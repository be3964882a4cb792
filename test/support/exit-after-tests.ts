/**
 * A safety net for test files that run streams clients in the test process: once every
 * test of the file has finished, the process exits within a few seconds even if a client
 * still holds the event loop (seen once: an instance whose close timed out during a
 * rebalance kept polling, which stalled the whole run). Results are already reported by
 * then; the timer is unref'd, so a file that ends on its own is not affected.
 */
import { after } from 'node:test';

after(() => {
  setTimeout(() => {
    console.error('exit-after-tests: the event loop was still busy 5 s after the last test; exiting (a client was not closed)');
    process.exit(process.exitCode ?? 0);
  }, 5_000).unref();
});
