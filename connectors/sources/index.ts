/**
 * The registry of source connector plugins the worker loads, each under its class name
 * and aliases (`connector.class`).
 *
 * @example
 * ```ts
 * const plugin = sourcePlugins.find((p) => p.className === name || p.aliases.includes(name));
 * const task = plugin!.createTask();
 * ```
 */

import type { SourceConnectorPlugin } from '../api/source.ts';
import { postgresSourceConnector } from './postgres/connector.ts';

export const sourcePlugins: readonly SourceConnectorPlugin[] = Object.freeze([postgresSourceConnector]);
