import type { Context } from 'koa';

/**
 * Answers with objects that are shared between requests (frozen entries of a read cache) as JSON
 * serialised once per object instead of on every response: for a small record most of the
 * serialising is its dates' toISOString. Objects that are not frozen are serialised every time
 * (they may still change).
 */
export function sharedJsonResponder(): (ctx: Context, value: object) => void {
  const serialised = new WeakMap<object, string>();
  return (ctx, value) => {
    let json = serialised.get(value);
    if (json === undefined) {
      json = JSON.stringify(value);
      if (Object.isFrozen(value)) serialised.set(value, json);
    }
    ctx.type = 'application/json';
    ctx.body = json;
  };
}
