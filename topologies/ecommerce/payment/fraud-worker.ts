/**
 * The piscina worker of the fraud scorer: one task scores one order, so a batch spreads
 * over the pool's threads.
 *
 * @example
 * ```ts
 * new Piscina({ filename: new URL('./fraud-worker.ts', import.meta.url).href });
 * ```
 */

import { fraudScore, type FraudInput, type FraudScoreSettings } from './fraud-score.ts';

export interface FraudTask {
  readonly input: FraudInput;
  readonly settings: FraudScoreSettings;
}

export default function scoreTask(task: FraudTask): number {
  return fraudScore(task.input, task.settings);
}
