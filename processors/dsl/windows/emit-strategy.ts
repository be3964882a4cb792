/**
 * `EmitStrategy`: when a windowed aggregation sends its results, as Kafka Streams'
 * `EmitStrategy` (KIP-825). `onWindowUpdate` (the default) sends every update (through the
 * store's cache when caching is on); `onWindowClose` sends one final result per window,
 * once stream time passes the window's end plus grace, as `suppress(untilWindowCloses)`
 * would, without a second buffer: the window store is the buffer.
 *
 * @example
 * ```ts
 * orders.groupByKey().windowedBy(TimeWindows.ofSizeWithNoGrace(60_000))
 *   .emitStrategy(EmitStrategy.onWindowClose())
 *   .count();
 * ```
 */

export interface EmitStrategy {
  readonly type: 'ON_WINDOW_UPDATE' | 'ON_WINDOW_CLOSE';
}

const UPDATE: EmitStrategy = Object.freeze({ type: 'ON_WINDOW_UPDATE' });
const CLOSE: EmitStrategy = Object.freeze({ type: 'ON_WINDOW_CLOSE' });

export const EmitStrategy = Object.freeze({
  onWindowUpdate: (): EmitStrategy => UPDATE,
  onWindowClose: (): EmitStrategy => CLOSE,
});
