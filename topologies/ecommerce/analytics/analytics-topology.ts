/**
 * The analytics service: units and revenue per product and per category in tumbling
 * windows (an hour by default) with grace for late events (`sales-lines.ts` says what
 * counts as a sale).
 *
 * - Sales are timed by the order event's `atMs` (event time), not by when they arrive.
 * - Each sale becomes one line per product, re-keyed by product id (a repartition topic),
 *   joined with the products table (`analytics-products`: productId → name and category,
 *   from `ProductUpdated` on `inventory.events`, co-partitioned with the lines by product).
 * - `sales-by-product` and `sales-by-category` (after a repartition by category) are
 *   window stores, queryable over gRPC while a window is open.
 * - Each window's final result leaves once, when stream time passes its end plus grace
 *   (`suppress(untilWindowCloses)`), to `analytics.sales` (JSON, keyed by the result's id),
 *   which the `sales-opensearch` sink indexes. A record later than its window's grace is
 *   dropped (and counted in the dropped-records metric), as Kafka Streams does.
 *
 * @example
 * ```ts
 * const topology = buildAnalyticsTopology({ topics: prefixedTopics(''), serdes, windows: { sizeMs: 3_600_000, graceMs: 300_000, retentionMs: 604_800_000 } });
 * ```
 */

import { KstError } from '../../../common/errors.ts';
import { BufferConfig, Consumed, Grouped, Joined, Materialized, Named, Produced, StreamsBuilder, Suppressed, TimeWindows, keyValue, type KTable, type Topology, type Windowed } from '../../../processors/dsl/index.ts';
import { Serdes } from '../../../schemas/serdes/serdes.ts';
import type { OrderEvent } from '../contracts/events.ts';
import { Stores } from '../contracts/stores.ts';
import type { EcommerceServiceConfig } from '../service-config.ts';
import type { ServiceOptions } from '../shared/service-options.ts';
import { addLine, categorised, productInfoOf, saleLines, salesResult, type CategorisedLine, type ProductInfo, type SaleLine, type SalesGroupBy, type SalesResult, type SalesTotals } from './sales-lines.ts';

/** The products table analytics keeps (productId → name and category). */
export const ANALYTICS_PRODUCTS_STORE = 'analytics-products';

export interface SalesWindows {
  readonly sizeMs: number;
  readonly graceMs: number;
  /** How long windows stay queryable; at least size plus grace. */
  readonly retentionMs: number;
}

export interface AnalyticsOptions extends ServiceOptions {
  readonly windows: SalesWindows;
}

/** The window settings of a service config, checked against each other; a bad pair fails naming the key. */
export function salesWindowsOf(config: Pick<EcommerceServiceConfig, 'analytics.window.size.ms' | 'analytics.window.grace.ms' | 'analytics.window.retention.ms'>): SalesWindows {
  const sizeMs = config['analytics.window.size.ms'];
  const graceMs = config['analytics.window.grace.ms'];
  const retentionMs = config['analytics.window.retention.ms'];
  if (graceMs >= sizeMs) {
    throw new KstError('KST_CONFIG_INVALID', `config "analytics.window.grace.ms" (${graceMs}) must be below analytics.window.size.ms (${sizeMs}): a window would otherwise wait for late sales longer than it lasts`, { key: 'analytics.window.grace.ms', value: graceMs });
  }
  if (retentionMs < sizeMs + graceMs) {
    throw new KstError('KST_CONFIG_INVALID', `config "analytics.window.retention.ms" (${retentionMs}) must be at least analytics.window.size.ms + analytics.window.grace.ms (${sizeMs + graceMs})`, { key: 'analytics.window.retention.ms', value: retentionMs });
  }
  return { sizeMs, graceMs, retentionMs };
}

const EMPTY: SalesTotals = { units: 0, revenueCents: 0 };

/** Order events are timed by when they happened, so a late delivery lands in its own window. */
const eventTime = (record: { readonly value: unknown; readonly timestamp: number }): number => {
  const atMs = (record.value as Partial<OrderEvent> | null)?.atMs;
  return typeof atMs === 'number' && atMs >= 0 ? atMs : record.timestamp;
};

function finalResults(table: KTable<Windowed<string>, SalesTotals>, groupBy: SalesGroupBy, topic: string): void {
  table
    .suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded()).withName(`sales-by-${groupBy}-final`))
    .toStream(Named.as(`sales-by-${groupBy}-results`))
    .map((windowed, totals) => {
      const result = salesResult(groupBy, windowed.key, windowed.window, totals ?? EMPTY);
      return keyValue(result.id, result);
    }, Named.as(`sales-by-${groupBy}-documents`))
    .to(topic, Produced.with(Serdes.String(), Serdes.JSON<SalesResult>()));
}

export function buildAnalyticsTopology(options: AnalyticsOptions): Topology {
  const { topics, serdes, windows } = options;
  const storeType = options.storeKind === 'in_memory' ? 'in_memory' : 'rocksdb';
  const builder = new StreamsBuilder();
  const lineSerde = Serdes.JSON<CategorisedLine>();
  const totalsSerde = Serdes.JSON<SalesTotals>();

  const products = builder
    .stream(topics.inventoryEvents, Consumed.with(serdes.key, serdes.inventoryEvent))
    .filter((_productId, event) => event.type === 'ProductUpdated', Named.as('analytics-product-updates'))
    .mapValues((event) => productInfoOf(event), Named.as('analytics-product-info'))
    .toTable(Named.as('analytics-products-table'), Materialized.as<string, ProductInfo>(ANALYTICS_PRODUCTS_STORE).withKeySerde(Serdes.String()).withValueSerde(Serdes.JSON<ProductInfo>()).withStoreType(storeType));

  const lines = builder
    .stream(topics.orderEvents, Consumed.with(serdes.key, serdes.orderEvent).withTimestampExtractor(eventTime))
    .flatMap((_orderId, event) => saleLines(event).map((line) => keyValue(line.productId, line)), Named.as('analytics-sale-lines'))
    .leftJoin(products, (line, product) => categorised(line, product), Joined.with<string, SaleLine, ProductInfo>(Serdes.String(), Serdes.JSON<SaleLine>(), Serdes.JSON<ProductInfo>()).withName('analytics-lines-by-product'));

  const tumbling = TimeWindows.ofSizeAndGrace(windows.sizeMs, windows.graceMs);
  const byProduct = lines
    .groupByKey(Grouped.with(Serdes.String(), lineSerde))
    .windowedBy(tumbling)
    .aggregate(() => EMPTY, (_productId, line, totals) => addLine(totals, line, true),
      Materialized.as<string, SalesTotals>(Stores.salesByProduct).withValueSerde(totalsSerde).withRetention(windows.retentionMs).withStoreType(storeType));
  const byCategory = lines
    .groupBy((_productId, line) => line.category, Grouped.with(Serdes.String(), lineSerde).withName('analytics-lines-by-category'))
    .windowedBy(tumbling)
    .aggregate(() => EMPTY, (_category, line, totals) => addLine(totals, line, false),
      Materialized.as<string, SalesTotals>(Stores.salesByCategory).withValueSerde(totalsSerde).withRetention(windows.retentionMs).withStoreType(storeType));

  finalResults(byProduct, 'product', topics.analyticsSales);
  finalResults(byCategory, 'category', topics.analyticsSales);
  return builder.build();
}
