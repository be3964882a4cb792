/**
 * A streams app run as a child process of a test: the project's one child-process piece,
 * `NodeProcess` (scripts/platform/node-process.ts), which the platform launcher uses too.
 */

export { NodeProcess as ChildApp, type WaitOptions } from '../../../../scripts/platform/node-process.ts';
