import { eventually } from '@ecommerce/service-kit/testing';
import { CachedOrderStore } from '../src/data-access/cached-order.store';
import { startOrderService, type OrderServiceHarness } from './support/order-service-harness';

let h: OrderServiceHarness;
let customer: ReturnType<OrderServiceHarness['customer']>;
beforeAll(async () => {
  h = await startOrderService({ name: 'read_cache' });
  customer = h.customer();
  // The listener's backend shows up before its LISTEN has run and the cache is switched on, so
  // wait for the behaviour itself (a CI run once read PostgreSQL in the first test).
  await untilReadsAreKept((await h.pendingOrder(customer.authorization)).id);
});
afterAll(() => h?.close());

/** A change made with triggers off: PostgreSQL announces nothing, so only a read that reaches it can see the change. */
const quietly = (orderId: string, status: string, { movingVersion = false } = {}) =>
  h.dataSource.transaction(async (m) => {
    await m.query('SET LOCAL session_replication_role = replica');
    await m.query(`UPDATE orders SET status = $2${movingVersion ? ', version = version + 1' : ''} WHERE id = $1`, [orderId, status]);
  });
/** A change as another replica (or an operator in psql) would commit it. */
const elsewhere = (orderId: string, status: string) => h.dataSource.query('UPDATE orders SET status = $2 WHERE id = $1', [orderId, status]);
/** Waits until this replica keeps what it reads again: a quiet change to the order no longer shows. */
const untilReadsAreKept = (orderId: string) =>
  eventually(async () => {
    await quietly(orderId, 'PENDING');
    await statusOf(orderId);
    await quietly(orderId, 'CANCELLED');
    expect(await statusOf(orderId)).toBe('PENDING');
  });
const listenerBackends = async () =>
  (await h.dataSource.query(
    "SELECT pid, query, state FROM pg_stat_activity WHERE application_name = 'order-service-listener' AND datname = current_database()",
  )) as { pid: number; query: string; state: string }[];
const statusOf = async (orderId: string) => (await h.read(customer.authorization, orderId)).status as string;

describe('GET /api/orders/:id from the read cache', () => {
  it('answers a repeated read from memory', async () => {
    const { id } = await h.pendingOrder(customer.authorization);
    // Read, change quietly, read again: the memory's PENDING. In a loop, since the order's creation
    // is announced too, and on a busy machine that notice can arrive after the first read and drop
    // it (a clean-clone CI run once read CANCELLED); the read after it is kept.
    await untilReadsAreKept(id);
  });

  it('shows a change committed elsewhere as soon as PostgreSQL announces it, long before the entry would expire', async () => {
    const { id } = await h.pendingOrder(customer.authorization);
    expect(await statusOf(id)).toBe('PENDING');
    await elsewhere(id, 'CANCELLED');
    // The entry would live 5 s; the notification arrives within milliseconds (3 s allows for a busy machine).
    await eventually(async () => expect(await statusOf(id)).toBe('CANCELLED'), 3_000, 10);
  });

  it("shows this replica's own change in the answer to the very next read", async () => {
    const { id } = await h.pendingOrder(customer.authorization);
    expect(await statusOf(id)).toBe('PENDING');
    expect((await h.pay(customer.authorization, id)).status).toBe(200);
    expect(await statusOf(id)).toBe('PAID');
  });

  it('reads PostgreSQL every time while change notifications are lost, and uses memory again once they are back', async () => {
    const { id } = await h.pendingOrder(customer.authorization);
    expect(await statusOf(id)).toBe('PENDING');
    const [{ pid }] = await listenerBackends();
    await h.dataSource.query('SELECT pg_terminate_backend($1)', [pid]);
    await quietly(id, 'CANCELLED');
    await eventually(async () => expect(await statusOf(id)).toBe('CANCELLED'), 2_000, 10);

    // Listening again, not merely connected: a new backend shows up before its LISTEN has run.
    // Generous, as on a busy machine the reconnect (250 ms back-off, then a new session) can take a while.
    await eventually(async () => {
      expect((await listenerBackends()).some((b) => b.pid !== pid && /^LISTEN /i.test(b.query) && b.state === 'idle')).toBe(true);
    }, 20_000);
    await untilReadsAreKept(id);
  }, 45_000);
});

/** Another replica's change whose notification has not arrived yet: the cache still holds the order as it was. */
const unannounced = (orderId: string, status: string) => quietly(orderId, status, { movingVersion: true });
const rowOf = async (orderId: string) => {
  const [{ status, version }] = await h.dataSource.query('SELECT status, version FROM orders WHERE id = $1', [orderId]);
  return { status: status as string, version: version as number };
};

describe.each([
  { from: 'PAID', to: 'CONFIRMED', changedElsewhere: 'REFUNDED', move: (id: string) => h.setInternalStatus(id, 'CONFIRMED') },
  { from: 'CONFIRMED', to: 'SHIPPED', changedElsewhere: 'CANCELLED', move: (id: string) => h.setAdminStatus(id, 'SHIPPED') },
])('$from → $to: read without a lock, written with a version check', ({ from, to, changedElsewhere, move }) => {
  const event = `order.${to.toLowerCase()}`;
  /** An order in `from`, read once through the API, so the cache holds it. */
  const cachedOrderIn = async () => (await h.orderIn(from, customer)).order.id;
  const moves = (id: string) => h.events.forOrder(id).filter((e) => e.body.type === event);

  it('moves once, from a read of the cache', async () => {
    const id = await cachedOrderIn();
    const res = await move(id);
    expect(res.status).toBe(200);
    expect(res.data.history.at(-1).status).toBe(to);
    expect(await statusOf(id)).toBe(to);
    await eventually(async () => expect(moves(id)).toHaveLength(1));
  });

  it('does not write over a change the cache has not heard of: the stale copy fails the version check and the locked read decides', async () => {
    const id = await cachedOrderIn();
    await unannounced(id, changedElsewhere);
    const before = await rowOf(id);
    const res = await move(id);
    expect(res.status).toBe(409);
    expect(res.data.error.code).toBe('INVALID_STATE');
    expect(await rowOf(id)).toEqual(before);
  });

  it(`moves an order still ${from} whose version moved since the cache read it, with one history entry and one event`, async () => {
    const id = await cachedOrderIn();
    await unannounced(id, from);
    const before = await rowOf(id);
    const res = await move(id);
    expect(res.status).toBe(200);
    expect(res.data.history.filter((e: { status: string }) => e.status === to)).toHaveLength(1);
    expect(await rowOf(id)).toEqual({ status: to, version: before.version + 1 });
    await eventually(async () => expect(moves(id)).toHaveLength(1));
  });
});

describe('CachedOrderStore', () => {
  let store: CachedOrderStore;
  beforeEach(() => {
    store = new CachedOrderStore(h.dataSource, { ttlMs: 60_000, maxEntries: 100, maxBytes: 2 ** 20 });
    store.reset(true);
  });

  it('does not keep a read that was under way when a change to the same order was announced', async () => {
    const { id } = await h.pendingOrder(customer.authorization);
    const reading = store.findById(id);
    store.changed(id);
    expect((await reading)?.status).toBe('PENDING');
    await quietly(id, 'CANCELLED');
    expect((await store.findById(id))?.status).toBe('CANCELLED');
  });

  it('keeps a read that no change raced with, and serves concurrent misses with one query', async () => {
    const { id } = await h.pendingOrder(customer.authorization);
    const [a, b] = await Promise.all([store.findById(id), store.findById(id)]);
    expect(a).toBe(b);
    await quietly(id, 'CANCELLED');
    expect((await store.findById(id))?.status).toBe('PENDING');
  });

  it('serves nothing from memory until it is told changes are being heard', async () => {
    const { id } = await h.pendingOrder(customer.authorization);
    store.reset(false);
    expect((await store.findById(id))?.status).toBe('PENDING');
    await quietly(id, 'CANCELLED');
    expect((await store.findById(id))?.status).toBe('CANCELLED');
  });

  it('does not remember that an order was missing', async () => {
    const { id } = await h.pendingOrder(customer.authorization);
    const copy = '7a1d6a3e-1f4c-4d1e-9f0a-3b2c1d0e9f8a';
    expect(await store.findById(copy)).toBeUndefined();
    await h.dataSource.transaction(async (m) => {
      await m.query('SET LOCAL session_replication_role = replica');
      await m.query(
        `INSERT INTO orders (id, user_id, status, total, currency, shipping_address, created_at, updated_at, version)
         SELECT $2, user_id, status, total, currency, shipping_address, created_at, updated_at, version FROM orders WHERE id = $1`,
        [id, copy],
      );
    });
    expect((await store.findById(copy))?.id).toBe(copy);
  });
});
