import path from 'node:path';
import { randomBytes } from 'node:crypto';
import axios, { type AxiosInstance } from 'axios';
import { MongoClient } from 'mongodb';
import {
  createTestDatabase,
  createTestVhost,
  freePort,
  spawnService,
  testMongoUrl,
  waitForHttp,
  type ServiceProcess,
  type TestDatabase,
} from '@ecommerce/service-kit/testing';

const root = path.join(__dirname, '../../..');
const main = (service: string) => path.join(root, service, 'dist/main.js');

export const INTERNAL_TOKEN = `stack-internal-${randomBytes(8).toString('hex')}`;
const ADMIN = { email: 'admin@stack.test', password: 'stack-admin-password-1' };

interface Ports { public: number; internal: number }

/**
 * The four real services as processes on free loopback ports, with throwaway databases and a
 * RabbitMQ vhost of their own: what the worker's end-to-end tests run against.
 */
export class Stack {
  readonly http: AxiosInstance = axios.create({ validateStatus: () => true, timeout: 10_000 });
  private readonly processes = new Map<string, ServiceProcess>();
  private readonly ports = new Map<string, Ports>();
  private cleanups: (() => Promise<unknown>)[] = [];
  private env = new Map<string, Record<string, string>>();
  adminAuthorization = '';
  /** The RabbitMQ vhost of this stack (set by start). */
  rabbitUrl = '';
  /** Set to route the worker's product-service calls elsewhere (e.g. through a fault proxy). */
  productUrlForWorker?: string;

  url(service: string): string {
    return `http://127.0.0.1:${this.ports.get(service)!.public}`;
  }
  internalUrl(service: string): string {
    return `http://127.0.0.1:${this.ports.get(service)!.internal}`;
  }

  async start(): Promise<void> {
    for (const s of ['user-service', 'product-service', 'order-service', 'integration-service']) {
      this.ports.set(s, { public: await freePort(), internal: await freePort() });
    }
    const usersDb = await this.database('users_stack');
    const ordersDb = await this.database('orders_stack');
    const vhost = await createTestVhost('stack');
    this.cleanups.push(() => vhost.delete());
    const mongoName = `products_stack_${randomBytes(4).toString('hex')}`;
    this.cleanups.push(async () => {
      const client = await MongoClient.connect(testMongoUrl());
      await client.db(mongoName).dropDatabase().finally(() => client.close());
    });
    this.rabbitUrl = vhost.url;

    this.env.set('user-service', {
      DATABASE_URL: usersDb.url, JWT_SECRET: randomBytes(32).toString('hex'), INTERNAL_API_TOKEN: INTERNAL_TOKEN,
      ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password,
    });
    this.env.set('product-service', {
      MONGODB_URL: `${testMongoUrl()}/${mongoName}`, USER_SERVICE_URL: this.internalUrl('user-service'), INTERNAL_API_TOKEN: INTERNAL_TOKEN,
    });
    this.env.set('order-service', {
      DATABASE_URL: ordersDb.url, RABBITMQ_URL: vhost.url, USER_SERVICE_URL: this.internalUrl('user-service'),
      PRODUCT_SERVICE_URL: this.internalUrl('product-service'), INTERNAL_API_TOKEN: INTERNAL_TOKEN,
    });
    await Promise.all(['user-service', 'product-service', 'order-service'].map((s) => this.startService(s)));
    await this.startWorker();
    const login = await this.http.post(`${this.url('user-service')}/api/users/login`, ADMIN);
    if (login.status !== 200) throw new Error(`admin login failed: ${login.status} ${JSON.stringify(login.data)}`);
    this.adminAuthorization = `Bearer ${login.data.accessToken}`;
  }

  async startWorker(): Promise<void> {
    this.env.set('integration-service', {
      RABBITMQ_URL: this.rabbitUrl, PRODUCT_SERVICE_URL: this.productUrlForWorker ?? this.internalUrl('product-service'),
      ORDER_SERVICE_URL: this.internalUrl('order-service'), INTERNAL_API_TOKEN: INTERNAL_TOKEN,
    });
    await this.startService('integration-service');
  }

  async stopService(service: string, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    const proc = this.processes.get(service);
    this.processes.delete(service);
    return proc ? proc.stop(signal) : null;
  }

  output(service: string): string {
    return this.processes.get(service)?.output() ?? '';
  }

  async startService(service: string): Promise<void> {
    const ports = this.ports.get(service)!;
    const env: Record<string, string> = { ...this.env.get(service)!, PORT: String(ports.public), LOG_LEVEL: 'warn' };
    if (service !== 'integration-service') env.INTERNAL_PORT = String(ports.internal);
    const proc = spawnService(main(service), env);
    this.processes.set(service, proc);
    await waitForHttp(`http://127.0.0.1:${ports.public}/readyz`, proc, 30_000);
  }

  async stop(): Promise<void> {
    await Promise.all([...this.processes.keys()].map((s) => this.stopService(s)));
    for (const cleanup of this.cleanups.reverse()) await cleanup().catch(() => undefined);
    this.cleanups = [];
  }

  /** Registers and logs in a new customer; returns the Authorization header value. */
  async customer(): Promise<string> {
    const email = `c-${randomBytes(5).toString('hex')}@stack.test`;
    const password = 'customer-password-1';
    const reg = await this.http.post(`${this.url('user-service')}/api/users/register`, { email, password, name: 'Customer' });
    if (reg.status !== 201) throw new Error(`register failed: ${reg.status} ${JSON.stringify(reg.data)}`);
    const login = await this.http.post(`${this.url('user-service')}/api/users/login`, { email, password });
    return `Bearer ${login.data.accessToken}`;
  }

  async createProduct(quantity: number, price = 1000): Promise<string> {
    const res = await this.http.post(
      `${this.url('product-service')}/api/products`,
      { name: `Item ${randomBytes(3).toString('hex')}`, description: 'stack test item', price, currency: 'EUR', category: 'stack', quantity, imageUrls: [] },
      { headers: { Authorization: this.adminAuthorization } },
    );
    if (res.status !== 201) throw new Error(`create product failed: ${res.status} ${JSON.stringify(res.data)}`);
    return res.data.id as string;
  }

  async stockOf(productId: string): Promise<number> {
    return (await this.http.get(`${this.url('product-service')}/api/products/${productId}`)).data.quantity as number;
  }

  async createOrder(customer: string, items: { productId: string; quantity: number }[]): Promise<string> {
    const shippingAddress = { name: 'Ada Lovelace', line1: '1 Test Street', city: 'London', postalCode: 'N1 1AA', country: 'GB' };
    const created = await this.http.post(`${this.url('order-service')}/api/orders`, { items, shippingAddress }, { headers: { Authorization: customer } });
    if (created.status !== 201) throw new Error(`create order failed: ${created.status} ${JSON.stringify(created.data)}`);
    return created.data.id as string;
  }

  async pay(customer: string, orderId: string): Promise<void> {
    const paid = await this.http.post(
      `${this.url('order-service')}/api/orders/${orderId}/pay`,
      { paymentMethod: { type: 'card', token: 'tok_visa' } },
      { headers: { Authorization: customer } },
    );
    if (paid.status !== 200) throw new Error(`pay failed: ${paid.status} ${JSON.stringify(paid.data)}`);
  }

  /** Creates an order for the customer and pays it; resolves the order id. */
  async paidOrder(customer: string, items: { productId: string; quantity: number }[]): Promise<string> {
    const orderId = await this.createOrder(customer, items);
    await this.pay(customer, orderId);
    return orderId;
  }

  async order(customer: string, orderId: string): Promise<{ status: string; history: { status: string; reason?: string }[] }> {
    return (await this.http.get(`${this.url('order-service')}/api/orders/${orderId}`, { headers: { Authorization: customer } })).data;
  }

  private async database(prefix: string): Promise<TestDatabase> {
    const db = await createTestDatabase(prefix);
    this.cleanups.push(() => db.drop());
    return db;
  }
}
