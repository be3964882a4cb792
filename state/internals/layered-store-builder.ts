/**
 * What the key-value, window and session store builders share: the immutable caching and
 * logging settings and their `with…` methods, as Kafka Streams' `AbstractStoreBuilder`.
 * Every `with…` returns a new builder, so one builder can be shared by a topology and
 * `build()` called once per task. Each subclass stacks its layers in `build()`.
 *
 * A key-value store's changelog gets the user's configs only (the compiler adds
 * `cleanup.policy=compact`). Windowed changelogs are compacted and deleted, as Kafka Streams' `WindowedChangelogTopicConfig`:
 * compaction keeps one record per window, deletion drops windows past retention; the topic
 * keeps them a day longer than the store (`windowstore.changelog.additional.retention.ms`)
 * so a restore still finds every live window.
 */

import { KstError } from '../../common/errors.ts';
import type { StateStore } from '../api/state-store.ts';
import type { StoreBuilder } from '../api/store-builder.ts';

/** Kafka Streams' default `windowstore.changelog.additional.retention.ms`. */
export const CHANGELOG_ADDITIONAL_RETENTION_MS = 24 * 60 * 60 * 1000;

export interface CachingOptions {
  /** Upper bound of the store's record cache; else the task's `statestore.cache.max.bytes`, else 10 MiB. */
  readonly maxBytes?: number;
}

export interface LayerSettings {
  readonly caching: boolean;
  readonly cacheMaxBytes: number | undefined;
  readonly logging: boolean;
  /** The user's topic configs, merged over the windowed defaults. */
  readonly logConfig: Readonly<Record<string, string>>;
}

export const DEFAULT_LAYER_SETTINGS: LayerSettings = Object.freeze({ caching: true, cacheMaxBytes: undefined, logging: true, logConfig: Object.freeze({}) });

export abstract class LayeredStoreBuilder<S extends StateStore> implements StoreBuilder<S> {
  protected readonly settings: LayerSettings;

  constructor(settings: LayerSettings) {
    this.settings = Object.freeze({ ...settings });
  }

  abstract get name(): string;
  /** Store retention, for a windowed changelog's `retention.ms`; undefined for a key-value store. */
  protected abstract get storeRetentionMs(): number | undefined;
  abstract build(): S;
  /** The same builder with other settings. */
  protected abstract copy(settings: LayerSettings): this;

  get loggingEnabled(): boolean {
    return this.settings.logging;
  }

  /**
   * The changelog's topic configs: the user's; for a windowed store, over
   * `cleanup.policy=compact,delete` and `retention.ms` = store retention + a day.
   */
  get logConfig(): Readonly<Record<string, string>> {
    if (!this.settings.logging) return Object.freeze({});
    const retentionMs = this.storeRetentionMs;
    if (retentionMs === undefined) return Object.freeze({ ...this.settings.logConfig });
    const retention = String(retentionMs + CHANGELOG_ADDITIONAL_RETENTION_MS);
    return Object.freeze({ 'cleanup.policy': 'compact,delete', 'retention.ms': retention, ...this.settings.logConfig });
  }

  get cachingEnabled(): boolean {
    return this.settings.caching;
  }

  withCachingEnabled(options: CachingOptions = {}): this {
    const maxBytes = options.maxBytes;
    if (maxBytes !== undefined && (!Number.isSafeInteger(maxBytes) || maxBytes < 0)) {
      throw new KstError('KST_CONFIG_INVALID', `cache maxBytes of store "${this.name}" must be a non-negative integer (got ${maxBytes})`, { key: 'maxBytes', value: maxBytes });
    }
    return this.copy({ ...this.settings, caching: true, cacheMaxBytes: maxBytes ?? this.settings.cacheMaxBytes });
  }

  withCachingDisabled(): this {
    return this.copy({ ...this.settings, caching: false });
  }

  /** Topic configs for the changelog (merged over the windowed defaults for a windowed store, see `logConfig`). */
  withLoggingEnabled(config: Readonly<Record<string, string>> = {}): this {
    return this.copy({ ...this.settings, logging: true, logConfig: Object.freeze({ ...config }) });
  }

  withLoggingDisabled(): this {
    return this.copy({ ...this.settings, logging: false, logConfig: Object.freeze({}) });
  }
}
