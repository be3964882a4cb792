/**
 * The adapter's door to the Kafka library evaluates it without compiling its ~40 option
 * validators (the bulk of its import time); a validator compiles on its first call and
 * answers as an eagerly compiled one would. Runs in its own process (node --test), so the
 * library is evaluated here for the first time.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import AjvModule from 'ajv/dist/core.js';

type Compile = (this: unknown, ...args: unknown[]) => unknown;

test('the Kafka library loads without compiling validators; a strict client still has its options validated', async () => {
  const prototype = AjvModule.default.prototype as unknown as { compile: Compile };
  const original = prototype.compile;
  let compiles = 0;
  const counting: Compile = function (this: unknown, ...args: unknown[]) {
    compiles += 1;
    return original.apply(this, args);
  };
  prototype.compile = counting;
  try {
    const library = await import('../../../processors/kafka/library.ts');
    assert.equal(compiles, 0, 'no validator compiled while the library was evaluated');
    assert.equal(prototype.compile, counting, 'the lazy window ended with the import');

    assert.throws(
      () => new library.Producer({ strict: true, clientId: 'lazy-validators', bootstrapBrokers: 42 as unknown as string[] }),
      (error: Error) => /bootstrapBrokers/.test(error.message),
      'a strict client with a wrong option is refused naming it',
    );
    assert.ok(compiles > 0, 'the validator compiled on its first call');
    const valid = new library.Producer({ strict: true, clientId: 'lazy-validators', bootstrapBrokers: ['127.0.0.1:9'] });
    await valid.close();
  } finally {
    prototype.compile = original;
  }
});
