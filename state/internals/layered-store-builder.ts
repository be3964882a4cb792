/**
 * What the window and session store builders share: the immutable caching and logging
 * settings and their `with…` methods, as Kafka Streams' `AbstractStoreBuilder`. Every
 * `with…` returns a new builder, so one builder can be shared by a topology and `build()`
 * called once per task.
 *
 * Windowed changelogs are compacted and deleted, as Kafka Streams' `WindowedChangelogTopicConfig`:
 * compaction keeps one record per window, deletion drops windows past retention; the topic
 * keeps them a day longer than the store (`windowstore.changelog.additional.retention.ms`)
 * so a restore still finds every live window.
 */

import { KstError } from '../../common/errors.ts';
import type { StateStore } from '../api/state-store.ts';
import type { StoreBuilder } from '../api/store-builder.ts';

/** Kafka Streams' default `windowstore.changelog.additional.retention.ms`. */
export const CHANGELOG_ADDITIONAL_RETENTION_MS = 24 * 60 * 60 * 1000;

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
  /** Store retention, for the changelog's `retention.ms`. */
  protected abstract get storeRetentionMs(): number;
  abstract build(): S;
  /** The same builder with other settings. */
  protected abstract copy(settings: LayerSettings): this;

  get loggingEnabled(): boolean {
    return this.settings.logging;
  }

  /** `cleanup.policy=compact,delete` and `retention.ms` = store retention + a day, under the user's configs. */
  get logConfig(): Readonly<Record<string, string>> {
    if (!this.settings.logging) return Object.freeze({});
    const retention = String(this.storeRetentionMs + CHANGELOG_ADDITIONAL_RETENTION_MS);
    return Object.freeze({ 'cleanup.policy': 'compact,delete', 'retention.ms': retention, ...this.settings.logConfig });
  }

  get cachingEnabled(): boolean {
    return this.settings.caching;
  }

  withCachingEnabled(options: { readonly maxBytes?: number } = {}): this {
    const maxBytes = options.maxBytes;
    if (maxBytes !== undefined && (!Number.isSafeInteger(maxBytes) || maxBytes < 0)) {
      throw new KstError('KST_CONFIG_INVALID', `cache maxBytes of store "${this.name}" must be a non-negative integer (got ${maxBytes})`, { key: 'maxBytes', value: maxBytes });
    }
    return this.copy({ ...this.settings, caching: true, cacheMaxBytes: maxBytes ?? this.settings.cacheMaxBytes });
  }

  withCachingDisabled(): this {
    return this.copy({ ...this.settings, caching: false });
  }

  /** Topic configs for the changelog, merged over the windowed defaults (see `logConfig`). */
  withLoggingEnabled(config: Readonly<Record<string, string>> = {}): this {
    return this.copy({ ...this.settings, logging: true, logConfig: Object.freeze({ ...config }) });
  }

  withLoggingDisabled(): this {
    return this.copy({ ...this.settings, logging: false, logConfig: Object.freeze({}) });
  }
}
