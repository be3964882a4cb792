/**
 * The change-logging layer, as Kafka Streams' `ChangeLoggingKeyValueBytesStore`: every
 * write that reaches it is applied to the store below and appended to the task's
 * changelog writer, topic `<application.id>-<store>-changelog`, partition = the task's.
 * Behind a cache only flushed and evicted entries get here, so the changelog carries one
 * record per key per commit.
 *
 * Timestamped stores log as Kafka Streams does: the record timestamp is the value's
 * timestamp and the record value is the plain value (the 8-byte prefix stripped); a
 * restore puts the prefix back from the record's timestamp.
 */

import { changelogTopicName, type RestoreRecord } from '../api/restorable.ts';
import type { KeyValueBytesStore } from '../api/bytes-store.ts';
import type { ChangelogWriter, StateStoreContext } from '../api/state-store.ts';
import { TIMESTAMP_BYTES, readTimestamp, withTimestamp } from './value-and-timestamp-serde.ts';
import { WrappedBytesStore } from './wrapped-store.ts';

export class ChangeLoggingKeyValueStore extends WrappedBytesStore {
  readonly #timestamped: boolean;
  #topic: string | undefined;
  #partition = 0;
  #changelog: ChangelogWriter | undefined;
  #clock: () => number = Date.now;

  constructor(inner: KeyValueBytesStore, timestamped: boolean) {
    super(inner);
    this.#timestamped = timestamped;
  }

  override get changelogTopic(): string | undefined {
    return this.#topic;
  }

  override async init(context: StateStoreContext): Promise<void> {
    await this.inner.init(context);
    this.#topic = changelogTopicName(context.applicationId, this.inner.name);
    this.#partition = context.partition;
    this.#changelog = context.changelog;
    this.#clock = context.currentTimestampMs ?? Date.now;
  }

  override put(key: Buffer, value: Buffer | null, timestamp?: number): void {
    this.inner.put(key, value, timestamp);
    const changelog = this.#changelog;
    if (changelog === undefined) return;
    if (this.#timestamped && value !== null && value.length >= TIMESTAMP_BYTES) {
      changelog.append(this.#topic as string, this.#partition, key, value.subarray(TIMESTAMP_BYTES), readTimestamp(value));
    } else {
      changelog.append(this.#topic as string, this.#partition, key, value, timestamp ?? this.#clock());
    }
  }

  override restoreBatch(records: ReadonlyArray<RestoreRecord>): Promise<void> {
    if (!this.#timestamped) return this.inner.restoreBatch(records);
    return this.inner.restoreBatch(
      records.map((record) => (record.value === null ? record : { key: record.key, value: withTimestamp(record.value, record.timestamp ?? 0) })),
    );
  }
}
