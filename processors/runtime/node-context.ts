/**
 * The `ProcessorContext` one node sees. Each node gets its own, so `forward` knows the
 * node's children and `getStateStore` the stores the plan connected to it; everything
 * task-wide (record metadata, time, punctuation, commit) comes from the task.
 */

import { KstError } from '../../common/errors.ts';
import type { Cancellable, ProcessorContext, PunctuationType, Punctuator, TaskId } from '../api/processor.ts';
import type { RecordMetadata, StreamRecord } from '../api/record.ts';
import type { StateStore } from '../../state/api/state-store.ts';
import type { Awaitable } from '../../common/awaitable.ts';
import { forwardToAll } from './processor-nodes.ts';
import type { ForwardingNode, TaskServices } from './task-services.ts';

/**
 * @example
 * ```ts
 * const context = new NodeContext(node, services);
 * await node.init(context);
 * ```
 */
export class NodeContext implements ProcessorContext<unknown, unknown> {
  readonly #node: ForwardingNode;
  readonly #services: TaskServices;

  constructor(node: ForwardingNode, services: TaskServices) {
    this.#node = node;
    this.#services = services;
  }

  get applicationId(): string {
    return this.#services.applicationId;
  }

  get taskId(): TaskId {
    return this.#services.taskId;
  }

  recordMetadata(): RecordMetadata | undefined {
    // The consumed record carries topic, partition and offset already: no copy per record.
    return this.#services.currentInput();
  }

  forward<K, V>(record: StreamRecord<K, V>, childName?: string): Awaitable<void> {
    if (childName === undefined) return forwardToAll(this.#node.children, record);
    const child = this.#node.childByName.get(childName);
    if (child === undefined) {
      throw new KstError('KST_PROCESSOR_UNKNOWN_CHILD', `node "${this.#node.name}" has no child "${childName}" (children: ${[...this.#node.childByName.keys()].join(', ') || 'none'})`, {
        node: this.#node.name,
        child: childName,
      });
    }
    return child.process(record);
  }

  getStateStore<S extends StateStore>(name: string): S {
    const services = this.#services;
    if (this.#node.storeNames.has(name) || services.isGlobalStore(name)) {
      const store = services.store(name);
      if (store !== undefined) return store as S;
    }
    throw new KstError('KST_PROCESSOR_STORE_NOT_CONNECTED', `node "${this.#node.name}" is not connected to state store "${name}"; connect it when building the topology`, {
      node: this.#node.name,
      store: name,
    });
  }

  schedule(intervalMs: number, type: PunctuationType, punctuator: Punctuator): Cancellable {
    return this.#services.schedule(this.#node.name, intervalMs, type, punctuator);
  }

  currentStreamTimeMs(): number {
    return this.#services.streamTimeMs();
  }

  currentSystemTimeMs(): number {
    return this.#services.systemTimeMs();
  }

  commit(): void {
    this.#services.requestCommit();
  }
}
