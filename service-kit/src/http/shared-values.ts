import type { Context } from 'koa';

/**
 * Wraps a pure derivation so that a frozen input — an entry a read cache shares between requests —
 * is derived once and the (frozen) result shared too. Inputs that are not frozen may still change,
 * so they are derived every time. Kept in a WeakMap: a replaced cache entry takes its result with it.
 */
export function derivedOncePerFrozen<T extends object, R>(derive: (input: T) => R): (input: T) => R {
  const results = new WeakMap<T, R>();
  return (input) => {
    const known = results.get(input);
    if (known !== undefined) return known;
    const result = derive(input);
    if (Object.isFrozen(input)) results.set(input, typeof result === 'object' && result !== null ? Object.freeze(result) : result);
    return result;
  };
}

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/**
 * Answers with JSON serialised once per shared (frozen) object instead of on every response: for a
 * small record most of the serialising is its dates' toISOString.
 */
export function sharedJsonResponder(): (ctx: Context, value: object) => void {
  const serialise = derivedOncePerFrozen((value: object) => JSON.stringify(value));
  return (ctx, value) => {
    // The header as Koa would write it for a JSON body, set on Node's response as is: ctx.type looks
    // the type up in mime-types on every response, and ctx.set adds its own checks to Node's.
    ctx.res.setHeader('Content-Type', JSON_CONTENT_TYPE);
    ctx.body = serialise(value);
  };
}
