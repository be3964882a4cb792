/**
 * Source and processor nodes of a running task. Forwarding is a loop over the children
 * that stays synchronous until a child returns a promise; only from there on does it
 * chain, so a synchronous graph costs no promise and no microtask per record, and an
 * asynchronous child still sees records (and its later siblings) in order.
 */

import type { Processor, ProcessorContext } from '../api/processor.ts';
import type { StreamRecord } from '../api/record.ts';
import type { Awaitable } from '../../common/awaitable.ts';
import type { ForwardingNode, RuntimeNode, TaskServices } from './task-services.ts';

type AnyRecord = StreamRecord<unknown, unknown>;

/**
 * Sends `record` to `children[from..]` in order, waiting for a child that returns a
 * promise before calling the next one.
 *
 * @example
 * ```ts
 * const pending = forwardToAll(node.children, record); // undefined when all were synchronous
 * ```
 */
export function forwardToAll(children: readonly RuntimeNode[], record: AnyRecord, from = 0): Awaitable<void> {
  for (let i = from; i < children.length; i++) {
    const result = (children[i] as RuntimeNode).process(record);
    if (result instanceof Promise) {
      const next = i + 1;
      return next === children.length ? result : result.then(() => forwardToAll(children, record, next));
    }
  }
  return undefined;
}

abstract class ParentNode implements ForwardingNode {
  readonly name: string;
  readonly children: RuntimeNode[] = [];
  readonly childByName = new Map<string, RuntimeNode>();
  readonly storeNames: ReadonlySet<string>;

  constructor(name: string, storeNames: readonly string[]) {
    this.name = name;
    this.storeNames = new Set(storeNames);
  }

  addChild(child: RuntimeNode): void {
    this.children.push(child);
    this.childByName.set(child.name, child);
  }

  abstract process(record: AnyRecord): Awaitable<void>;
}

/** Passes deserialized records to its children; deserialization happens in the task, per batch. */
export class SourceNode extends ParentNode implements RuntimeNode {
  constructor(name: string) {
    super(name, []);
  }

  process(record: AnyRecord): Awaitable<void> {
    return forwardToAll(this.children, record);
  }
}

/** Runs one user (or DSL) processor, with the task's processing error policy around it. */
export class ProcessorNode extends ParentNode implements RuntimeNode {
  readonly #processor: Processor<unknown, unknown, unknown, unknown>;
  readonly #services: TaskServices;

  constructor(name: string, storeNames: readonly string[], processor: Processor<unknown, unknown, unknown, unknown>, services: TaskServices) {
    super(name, storeNames);
    this.#processor = processor;
    this.#services = services;
  }

  init(context: ProcessorContext<unknown, unknown>): Awaitable<void> {
    return this.#processor.init?.(context);
  }

  process(record: AnyRecord): Awaitable<void> {
    // The record context seen by stores is the record this node got; restored on return so
    // a parent that writes after forwarding stamps its own record's time. For a processor
    // that writes after an await, this is approximate (its parent's time).
    const clock = this.#services.recordClock;
    const previousTimestamp = clock.timestampMs;
    clock.timestampMs = record.timestamp;
    let result: Awaitable<void>;
    try {
      result = this.#processor.process(record);
    } catch (error) {
      clock.timestampMs = previousTimestamp;
      return this.#services.onProcessingError(this.name, record, error);
    }
    clock.timestampMs = previousTimestamp;
    // The closure is only made on the asynchronous path, which allocates a promise anyway.
    if (result instanceof Promise) return result.then(undefined, (error: unknown) => this.#services.onProcessingError(this.name, record, error));
    return undefined;
  }

  close(): Awaitable<void> {
    return this.#processor.close?.();
  }
}
