/**
 * Connect's `RetryWithToleranceOperator` for one task: an operation on a record
 * (conversion, transform, put) is retried with exponential backoff while it fails with a
 * retriable error and `errors.retry.timeout` allows; a failure that remains is either
 * tolerated (`errors.tolerance=all`: logged if asked, sent to the DLQ, the record skipped)
 * or fails the task (`none`) with `KST_CONNECT_TOLERANCE_EXCEEDED`.
 */

import { KstError } from '../../common/errors.ts';
import type { Logger } from '../logging/loggers.ts';
import type { DeadLetterQueue, ErrorContext, ErrorStage } from './dead-letter-queue.ts';
import type { KafkaRecord } from '../../processors/kafka/index.ts';

export interface ErrorHandlingConfig {
  readonly tolerance: 'none' | 'all';
  /** ms; 0 no retries, -1 forever. */
  readonly retryTimeoutMs: number;
  readonly retryDelayMaxMs: number;
  readonly logEnable: boolean;
  readonly logIncludeMessages: boolean;
}

export function errorHandlingConfig(config: Readonly<Record<string, string>>): ErrorHandlingConfig {
  return {
    tolerance: (config['errors.tolerance'] ?? 'none').trim() === 'all' ? 'all' : 'none',
    retryTimeoutMs: Number(config['errors.retry.timeout'] ?? '0'),
    retryDelayMaxMs: Number(config['errors.retry.delay.max.ms'] ?? '60000'),
    logEnable: (config['errors.log.enable'] ?? 'false').toLowerCase() === 'true',
    logIncludeMessages: (config['errors.log.include.messages'] ?? 'false').toLowerCase() === 'true',
  };
}

/** Retriable as Connect's `RetriableException`: a `retriable: true` flag, or a coded error whose recovery is retry. */
export function isRetriable(error: unknown): boolean {
  if (error instanceof KstError) return error.canRetry;
  return typeof error === 'object' && error !== null && (error as { retriable?: unknown }).retriable === true;
}

const INITIAL_BACKOFF_MS = 300;

/** What `execute` answers for a record whose failure was tolerated (it is skipped). */
export const SKIPPED: unique symbol = Symbol('skipped');

/**
 * @example
 * ```ts
 * const handler = new ErrorHandler(errorHandlingConfig(config), logger, dlq, () => stopping);
 * const data = await handler.execute(record, 'VALUE_CONVERTER', converterClass, () => converter.toConnectData(topic, bytes));
 * if (data === SKIPPED) continue; // tolerated: logged and dead-lettered
 * ```
 */
export class ErrorHandler {
  readonly #config: ErrorHandlingConfig;
  readonly #logger: Logger;
  readonly #dlq: DeadLetterQueue | undefined;
  readonly #stopping: () => boolean;
  #totalErrors = 0;

  constructor(config: ErrorHandlingConfig, logger: Logger, dlq: DeadLetterQueue | undefined, stopping: () => boolean) {
    this.#config = config;
    this.#logger = logger;
    this.#dlq = dlq;
    this.#stopping = stopping;
  }

  get totalErrors(): number {
    return this.#totalErrors;
  }

  get tolerant(): boolean {
    return this.#config.tolerance === 'all';
  }

  /** Runs `operation`, retrying retriable failures; returns SKIPPED when a failure was tolerated. */
  async execute<T>(record: KafkaRecord, stage: ErrorStage, className: string, operation: () => T | Promise<T>): Promise<T | typeof SKIPPED> {
    const started = Date.now();
    let backoff = INITIAL_BACKOFF_MS;
    for (let attempt = 1; ; attempt++) {
      try {
        return await operation();
      } catch (error) {
        const elapsed = Date.now() - started;
        const budgetLeft = this.#config.retryTimeoutMs < 0 || elapsed + backoff <= this.#config.retryTimeoutMs;
        if (isRetriable(error) && this.#config.retryTimeoutMs !== 0 && budgetLeft && !this.#stopping()) {
          this.#logger.debug(`retrying ${stage} of ${record.topic}-${record.partition}@${record.offset} (attempt ${attempt}) in ${backoff} ms: ${(error as Error).message}`);
          await new Promise((resolve) => setTimeout(resolve, backoff + Math.floor(Math.random() * (backoff >= this.#config.retryDelayMaxMs ? 100 : 0))));
          backoff = Math.min(backoff * 2, this.#config.retryDelayMaxMs);
          continue;
        }
        await this.report({ record, stage, className, error: error instanceof Error ? error : new Error(String(error)) });
        return SKIPPED;
      }
    }
  }

  /** Tolerates (log, DLQ) or throws `KST_CONNECT_TOLERANCE_EXCEEDED`, as the config says. */
  async report(context: ErrorContext): Promise<void> {
    this.#totalErrors++;
    if (this.#config.tolerance === 'none') {
      throw new KstError('KST_CONNECT_TOLERANCE_EXCEEDED', `Tolerance exceeded in error handler (stage ${context.stage}, class ${context.className}): ${context.error.message}`, { stage: context.stage }, { cause: context.error });
    }
    if (this.#config.logEnable) {
      const where = `topic='${context.record.topic}', partition=${context.record.partition}, offset=${context.record.offset}`;
      const what = this.#config.logIncludeMessages ? `, key=${context.record.key?.toString('utf8') ?? 'null'}, value=${context.record.value?.toString('utf8') ?? 'null'}` : '';
      this.#logger.error(`Error encountered in task. Executing stage '${context.stage}' with class '${context.className}', where consumed record is {${where}${what}}: ${context.error.message}`);
    }
    await this.#dlq?.report(context);
  }
}
