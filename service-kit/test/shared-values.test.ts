import type { Context } from 'koa';
import { derivedOncePerFrozen, sharedJsonResponder } from '../src/http/shared-values';

/** Counts how often it is serialised (JSON.stringify calls toJSON once per serialisation). */
function counted(frozen: boolean) {
  const value = {
    calls: 0,
    toJSON() {
      this.calls += 1;
      return { id: 'x' };
    },
  };
  return { value, body: frozen ? Object.freeze({ item: value }) : { item: value } };
}

const fakeCtx = () => {
  const headers: Record<string, string> = {};
  return {
    headers,
    body: undefined as unknown,
    res: {
      setHeader(name: string, value: string) {
        headers[name.toLowerCase()] = value;
      },
    },
  } as unknown as Context & { headers: Record<string, string>; body: unknown };
};

describe('sharedJsonResponder', () => {
  it('serialises a frozen (shared) object once, however many responses carry it', () => {
    const respond = sharedJsonResponder();
    const { value, body } = counted(true);
    const first = fakeCtx();
    const second = fakeCtx();
    respond(first, body);
    respond(second, body);
    expect(value.calls).toBe(1);
    expect(second.body).toBe('{"item":{"id":"x"}}');
    expect(second.headers['content-type']).toBe('application/json; charset=utf-8');
  });

  it('serialises an object that may still change on every response', () => {
    const respond = sharedJsonResponder();
    const { value, body } = counted(false);
    respond(fakeCtx(), body);
    respond(fakeCtx(), body);
    expect(value.calls).toBe(2);
  });
});

describe('derivedOncePerFrozen', () => {
  it('derives a frozen input once and shares the result frozen; other inputs are derived every time', () => {
    let calls = 0;
    const view = derivedOncePerFrozen((input: { n: number }) => {
      calls += 1;
      return { double: input.n * 2 };
    });
    const shared = Object.freeze({ n: 2 });
    expect(view(shared)).toBe(view(shared));
    expect(Object.isFrozen(view(shared))).toBe(true);
    expect(calls).toBe(1);
    const mutable = { n: 3 };
    expect(view(mutable)).toEqual({ double: 6 });
    mutable.n = 4;
    expect(view(mutable)).toEqual({ double: 8 });
    expect(calls).toBe(3);
  });
});
