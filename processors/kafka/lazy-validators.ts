/**
 * `@platformatic/kafka` compiles about 40 JSON-schema validators of its client options
 * with ajv when its module is evaluated (about 40 % of its import time, 250–450 ms on this
 * machine; ajv generates code with `new Function`, which Node's compile cache cannot
 * keep). It calls them only for clients created with `strict: true`, which the adapter
 * never sets. So while the library is evaluated, ajv's `compile` hands out validators
 * that compile on their first call: the same answers, paid for only when used.
 *
 * Imported first by `library.ts`, the adapter's one door to the library, which ends the
 * window once the library is evaluated: ajv users loaded later compile as usual.
 */

import AjvModule from 'ajv/dist/core.js';

type AjvCore = InstanceType<typeof AjvModule.default>;
type Compile = AjvCore['compile'];
type Validator = ReturnType<Compile>;

const prototype = AjvModule.default.prototype as { compile: Compile };
const eager: Compile = prototype.compile;

function lazyCompile(this: AjvCore, schema: Parameters<Compile>[0], meta?: boolean): Validator {
  const compile = (): Validator => eager.call(this, schema, meta);
  let compiled: Validator | undefined;
  const validate = function (this: unknown, ...args: Parameters<Validator>): boolean {
    compiled ??= compile();
    const valid = compiled.apply(this, args) as boolean;
    validate.errors = compiled.errors ?? null;
    return valid;
  } as Validator;
  validate.errors = null;
  validate.schema = schema;
  return validate;
}

prototype.compile = lazyCompile as Compile;

/** Ends the window: `compile` compiles at once again. */
export function endLazyValidators(): void {
  if (prototype.compile === (lazyCompile as Compile)) prototype.compile = eager;
}
