/**
 * The registry of sink connector plugins the worker loads, each under its class name
 * and aliases (`connector.class`).
 *
 * @example
 * ```ts
 * const plugin = sinkPlugins.find((p) => p.className === name || p.aliases.includes(name));
 * const task = plugin!.createTask();
 * ```
 */

import type { SinkConnectorPlugin } from '../api/sink.ts';
import { searchSinkConnector } from './elasticsearch/connector.ts';
import { postgresSinkConnector } from './postgres/connector.ts';

export const sinkPlugins: readonly SinkConnectorPlugin[] = Object.freeze([postgresSinkConnector, searchSinkConnector]);
