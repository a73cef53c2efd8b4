import { randomBytes } from 'node:crypto';
import axios, { type AxiosInstance } from 'axios';
import { Lifecycle, RabbitBroker, runMigrationsExclusively, type Logger } from '@ecommerce/service-kit';
import {
  createTestDatabase,
  createTestVhost,
  silentLogger,
  startTestServer,
  startUserServiceDouble,
  type TestDatabase,
} from '@ecommerce/service-kit/testing';
import { createOrderServiceApp, type OrderServiceApp, type OrderServiceDeps } from '../../src/app';
import { MIGRATION_LOCK_KEY, createDataSource } from '../../src/data-access/data-source';
import { declareOrderEventsExchange } from '../../src/entry-points/workers/outbox-relay';
import { startProductServiceDouble } from './product-service-double';
import { listenToOrderEvents, type OrderEventListener } from './event-listener';

export const INTERNAL_TOKEN = 'order-service-test-internal-token';

export const ADDRESS = { name: 'Ada Lovelace', line1: '12 Analytical Way', city: 'London', postalCode: 'N1 9GU', country: 'GB' };

export interface HarnessOptions {
  /** Names the test database and the RabbitMQ connection. */
  name: string;
  paymentTimeout?: number;
  sweepIntervalMs?: number;
  /** Start the outbox relay and the sweeper (default true). */
  workers?: boolean;
  /** Connect the service's broker right away (default true). */
  connectBroker?: boolean;
  /** Reaches the harness's vhost some other way (e.g. through a proxy); gets the vhost URL. */
  rabbitUrl?: (vhostUrl: string) => string;
  exchange?: string;
  productServiceUrl?: string;
  logger?: Logger;
  /** Instead of the built-in simulated gateway (e.g. a slow one, to widen a race). */
  paymentGateway?: OrderServiceDeps['paymentGateway'];
}

/**
 * order-service's app factory on port 0 against a fresh PostgreSQL database and the real RabbitMQ,
 * with user-service and product-service stand-ins over real HTTP, and a queue that collects its events.
 */
export async function startOrderService(options: HarnessOptions) {
  const id = randomBytes(3).toString('hex');
  const db: TestDatabase = await createTestDatabase(`orders_${options.name.replace(/\W/g, '_')}`);
  const logger = options.logger ?? silentLogger();
  const dataSource = createDataSource(db.url, 30);
  await dataSource.initialize();
  await runMigrationsExclusively(dataSource, logger, MIGRATION_LOCK_KEY);

  // A vhost per harness: other suites' queues bound to ecommerce.orders never see these events.
  const vhost = await createTestVhost(`order-service-${options.name}`);
  const users = await startUserServiceDouble(INTERNAL_TOKEN);
  const products = await startProductServiceDouble(INTERNAL_TOKEN);
  const events = await listenToOrderEvents(vhost.url, options.exchange);
  const brokerName = `order-service-test-${options.name}-${id}`;
  const exchange = options.exchange ?? 'ecommerce.orders';
  const makeBroker = (name = brokerName) =>
    new RabbitBroker({
      url: options.rabbitUrl ? options.rabbitUrl(vhost.url) : vhost.url,
      connectionName: name,
      logger,
      reconnectInitialDelayMs: 50,
      reconnectMaxDelayMs: 300,
      topology: declareOrderEventsExchange(exchange),
    });
  const broker = makeBroker();
  const lifecycle = new Lifecycle(logger);
  const deps: OrderServiceDeps = {
    config: {
      DATABASE_URL: db.url,
      INTERNAL_API_TOKEN: INTERNAL_TOKEN,
      USER_SERVICE_URL: users.url,
      PRODUCT_SERVICE_URL: options.productServiceUrl ?? products.url,
      ORDER_PAYMENT_TIMEOUT: options.paymentTimeout ?? 30 * 60_000,
    },
    logger,
    lifecycle,
    dataSource,
    broker,
    relay: { exchange, pollIntervalMs: 50, maxIdleMs: 500, retryBaseMs: 200, retryMaxMs: 1000 },
    sweepIntervalMs: options.sweepIntervalMs ?? 60_000,
    paymentGateway: options.paymentGateway,
  };
  const service: OrderServiceApp = createOrderServiceApp(deps);
  const publicServer = await startTestServer(service.publicApp);
  const internalServer = await startTestServer(service.internalApp);
  if (options.connectBroker !== false) {
    broker.start();
    await broker.waitUntilConnected(10_000);
  }
  if (options.workers !== false) service.startWorkers();

  const http: AxiosInstance = axios.create({ baseURL: publicServer.url, validateStatus: () => true });
  const internal: AxiosInstance = axios.create({ baseURL: internalServer.url, validateStatus: () => true, headers: { 'X-Internal-Token': INTERNAL_TOKEN } });
  const extraBrokers: RabbitBroker[] = [];

  const harness = {
    db,
    rabbitUrl: vhost.url,
    dataSource,
    service,
    broker,
    brokerName,
    deps,
    users,
    products,
    events: events as OrderEventListener,
    http,
    internal,
    url: publicServer.url,
    internalUrl: internalServer.url,
    customer: () => users.login('customer'),
    admin: () => users.login('admin'),
    /** Another broker for the same exchange (e.g. for a second relay), closed with the harness. */
    extraBroker(name: string): RabbitBroker {
      const extra = makeBroker(`${brokerName}-${name}`);
      extraBrokers.push(extra);
      return extra;
    },
    /** POST /api/orders as that user. */
    placeOrder(authorization: string, body: unknown, headers: Record<string, string> = {}) {
      return http.post('/api/orders', body, { headers: { Authorization: authorization, ...headers } });
    },
    /** A PENDING order of one in-stock product; resolves its body. */
    async pendingOrder(authorization: string, quantity = 2) {
      const product = products.add();
      const res = await harness.placeOrder(authorization, { items: [{ productId: product.id, quantity }], shippingAddress: ADDRESS });
      if (res.status !== 201) throw new Error(`placing an order failed: ${res.status} ${JSON.stringify(res.data)}`);
      return res.data as { id: string; total: number; status: string };
    },
    pay(authorization: string, orderId: string, token = 'tok_visa') {
      return http.post(`/api/orders/${orderId}/pay`, { paymentMethod: { type: 'card', token } }, { headers: { Authorization: authorization } });
    },
    setInternalStatus(orderId: string, status: string, reason?: string) {
      return internal.patch(`/internal/orders/${orderId}/status`, { status, ...(reason ? { reason } : {}) });
    },
    setAdminStatus(orderId: string, status: string) {
      return http.patch(`/api/orders/${orderId}/status`, { status }, { headers: { Authorization: users.login('admin').authorization } });
    },
    cancel(authorization: string, orderId: string) {
      return http.post(`/api/orders/${orderId}/cancel`, undefined, { headers: { Authorization: authorization } });
    },
    /**
     * The events written for an order, oldest first, read from the outbox: they commit with the
     * change, so unlike the queue this is exact the moment the request has answered.
     */
    async outboxTypes(orderId: string): Promise<string[]> {
      const rows: { routing_key: string }[] = await dataSource.query(
        `SELECT routing_key FROM outbox WHERE payload->'data'->>'orderId' = $1 ORDER BY created_at, id`,
        [orderId],
      );
      return rows.map((row) => row.routing_key);
    },
    async read(authorization: string, orderId: string) {
      return (await http.get(`/api/orders/${orderId}`, { headers: { Authorization: authorization } })).data;
    },
    /** A new order of `who` (a new customer by default), moved to `status` through the real routes. */
    async orderIn(status: string, who = users.login('customer')) {
      const order = await harness.pendingOrder(who.authorization);
      const pay = () => harness.pay(who.authorization, order.id);
      const confirm = () => harness.setInternalStatus(order.id, 'CONFIRMED');
      const ship = () => harness.setAdminStatus(order.id, 'SHIPPED');
      const steps: Record<string, (() => Promise<{ status: number }>)[]> = {
        PENDING: [],
        PAYMENT_FAILED: [() => harness.pay(who.authorization, order.id, 'tok_chargeDeclined')],
        PAID: [pay],
        CONFIRMED: [pay, confirm],
        REFUNDED: [pay, () => harness.setInternalStatus(order.id, 'REFUNDED', 'OUT_OF_STOCK')],
        SHIPPED: [pay, confirm, ship],
        DELIVERED: [pay, confirm, ship, () => harness.setAdminStatus(order.id, 'DELIVERED')],
        CANCELLED: [() => harness.cancel(who.authorization, order.id)],
      };
      for (const step of steps[status]) await step();
      const current = await harness.read(who.authorization, order.id);
      if (current.status !== status) throw new Error(`could not bring an order to ${status}: it is ${current.status}`);
      return { ...who, order };
    },
    async close(): Promise<void> {
      await service.stopWorkers();
      await Promise.allSettled([publicServer.close(100), internalServer.close(100)]);
      await Promise.allSettled([broker.close(500), ...extraBrokers.map((b) => b.close(500)), events.close()]);
      await Promise.allSettled([users.close(), products.close()]);
      await dataSource.destroy();
      await Promise.allSettled([db.drop(), vhost.delete()]);
    },
  };
  return harness;
}

export type OrderServiceHarness = Awaited<ReturnType<typeof startOrderService>>;
