import type { Context } from 'koa';
import { sharedJsonResponder } from '../src/http/json-body';

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

const fakeCtx = () => ({ type: '', body: undefined as unknown }) as unknown as Context & { type: string; body: unknown };

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
    expect(second.type).toBe('application/json');
  });

  it('serialises an object that may still change on every response', () => {
    const respond = sharedJsonResponder();
    const { value, body } = counted(false);
    respond(fakeCtx(), body);
    respond(fakeCtx(), body);
    expect(value.calls).toBe(2);
  });
});
