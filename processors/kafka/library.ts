/**
 * The adapter's one door to `@platformatic/kafka`: every adapter file imports the library
 * through this module, so that it is evaluated with lazy option validators
 * (`lazy-validators.ts`, imported first on purpose), which takes a restarting service
 * process a few hundred milliseconds less. Types may still be imported from the library
 * itself.
 */

import { endLazyValidators } from './lazy-validators.ts';

export * from '@platformatic/kafka';

endLazyValidators();
