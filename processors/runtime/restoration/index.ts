/**
 * Changelog restoration: bringing state stores up to their changelog's end before a task
 * processes (or, for standbys, while it waits).
 *
 * @example
 * ```ts
 * import { ChangelogRestorer, type RestoreTarget } from '../restoration/index.ts';
 * const restorer = new ChangelogRestorer(clientConfig, { isolation: 'read_committed' });
 * ```
 */

export { ChangelogRestorer, checkpointOutsideLog, type ChangelogRestorerOptions } from './changelog-restorer.ts';
export { reportStateWipe, type StateWipe, type StateWipeReason } from './state-wipes.ts';
export type { RestoreResult, RestoreTarget, StateRestoreListener } from './restore-listener.ts';
