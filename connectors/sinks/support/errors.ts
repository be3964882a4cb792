/**
 * Errors of sink tasks. The sink contract asks a task to throw an error with
 * `retriable: true` when the worker should retry the batch later (the target is
 * unreachable), so connection failures carry that flag next to their code.
 *
 * @example
 * ```ts
 * throw sinkError('KST_SINK_CONNECTION_FAILED', 'PostgreSQL unreachable after 10 retries', { table }, cause);
 * ```
 */

import { KstError, type ErrorCode } from '../../../common/errors.ts';

export type SinkError = KstError & { readonly retriable: boolean };

export function sinkError(code: ErrorCode, message: string, details: Record<string, unknown> = {}, cause?: unknown): SinkError {
  const error = new KstError(code, message, details, cause === undefined ? undefined : { cause });
  return Object.assign(error, { retriable: error.recovery === 'retry' });
}

export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** JSON text of a Connect value: bigints as numbers when exact, bytes as base64, dates as ISO. */
export function toJson(value: unknown): string {
  // A replacer costs a call per key; flat objects of plain values (the usual struct) skip it.
  return isFlatPlain(value) ? JSON.stringify(value) : JSON.stringify(value, jsonReplacer);
}

function isFlatPlain(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || Buffer.isBuffer(value) || value instanceof Map) return false;
  for (const key in value) {
    const v = (value as Record<string, unknown>)[key];
    const t = typeof v;
    if (!(t === 'string' || t === 'number' || t === 'boolean' || v === null || v === undefined || v instanceof Date)) return false;
  }
  return true;
}

export function jsonReplacer(this: unknown, _key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (value instanceof Map) return Object.fromEntries(value);
  // Buffer.toJSON runs before the replacer sees the value, so catch its result too.
  if (value !== null && typeof value === 'object' && (value as { type?: unknown }).type === 'Buffer' && Array.isArray((value as { data?: unknown }).data)) {
    return Buffer.from((value as { data: number[] }).data).toString('base64');
  }
  return value;
}
