/**
 * Where fraud scores are computed: in the stream thread (`inlineFraudScorer`, what tests
 * use by default) or on a piscina pool of worker threads (`pooledFraudScorer`), injected
 * into the payment topology so a test can choose.
 *
 * @example
 * ```ts
 * const scorer = pooledFraudScorer({ iterations: 2_000, maxAmountCents: 1_000_000 }, { threads: 2 });
 * const scores = await scorer.score([{ orderId: 'o1', customerId: 'c1', amountCents: 500 }]);
 * await scorer.close();
 * ```
 */

import type { Awaitable } from '../../../common/awaitable.ts';
import { fraudScore, type FraudInput, type FraudScoreSettings } from './fraud-score.ts';
import type { FraudTask } from './fraud-worker.ts';

export interface FraudScorer {
  /** Scores in the order of `inputs`. */
  score(inputs: readonly FraudInput[]): Awaitable<readonly number[]>;
  close(): Promise<void>;
}

export function inlineFraudScorer(settings: FraudScoreSettings): FraudScorer {
  return {
    score: (inputs) => inputs.map((input) => fraudScore(input, settings)),
    close: () => Promise.resolve(),
  };
}

/** The pool starts at once; piscina is loaded only here, so services without a pool never load it. */
export function pooledFraudScorer(settings: FraudScoreSettings, pool: { readonly threads: number }): FraudScorer {
  const starting = import('piscina').then(({ Piscina }) => new Piscina<FraudTask, number>({
    filename: new URL('./fraud-worker.ts', import.meta.url).href,
    minThreads: 1,
    maxThreads: pool.threads,
  }));
  return {
    score: async (inputs) => {
      const piscina = await starting;
      return Promise.all(inputs.map((input) => piscina.run({ input, settings })));
    },
    close: async () => (await starting).destroy(),
  };
}
