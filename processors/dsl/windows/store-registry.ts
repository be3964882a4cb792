/**
 * The registry side of `dsl-windowed-store.ts` under its first name, which join operators
 * import: which metrics registry an operator's store was initialised with.
 *
 * @example
 * ```ts
 * const registry = registryOf(context.getStateStore(storeName));
 * ```
 */

export { registryOf, dslWindowedStore as rememberRegistry } from './dsl-windowed-store.ts';
