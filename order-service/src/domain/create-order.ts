import { createHash, randomUUID } from 'node:crypto';
import { AppError, type ErrorDetail } from '@ecommerce/service-kit';
import type { Actor, Order, OrderItem, ShippingAddress } from './order';
import { toOrderResource, type OrderResource } from './order-resource';
import { recordNewOrder } from './order-status';
import type { CatalogProduct, IdempotencyRecord, OrderDeps, ProductCatalog } from './ports';

export interface CreateOrderInput {
  items: { productId: string; quantity: number }[];
  shippingAddress: ShippingAddress;
}

export interface CreateOrderResult {
  order: OrderResource;
  /** True when an earlier request with the same Idempotency-Key made this order. */
  replayed: boolean;
}

/** JSON with object keys sorted, so the same request always hashes the same. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export const hashRequest = (input: CreateOrderInput): string => createHash('sha256').update(canonicalJson(input)).digest('hex');

function replay(record: IdempotencyRecord, requestHash: string): CreateOrderResult {
  if (record.requestHash !== requestHash) {
    throw new AppError(422, 'IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was already used with a different request', {
      details: [{ field: 'Idempotency-Key', message: 'use a new key for a different request' }],
    });
  }
  return { order: record.response as OrderResource, replayed: true };
}

const itemDetail = (index: number, productId: string, message: string, extra: Record<string, unknown> = {}): ErrorDetail => ({
  field: `items.${index}.productId`,
  message,
  productId,
  ...extra,
});

/** Prices every line in one catalogue call and snapshots name and unit price; nothing comes from the client but ids and quantities. */
async function priceOrder(catalog: ProductCatalog, userId: string, input: CreateOrderInput): Promise<Order> {
  const products = new Map<string, CatalogProduct>();
  for (const product of await catalog.findByIds(input.items.map((i) => i.productId))) products.set(product.id, product);

  const unknown = input.items.flatMap(({ productId }, i) =>
    products.get(productId) && !products.get(productId)!.deleted ? [] : [itemDetail(i, productId, 'no such product')],
  );
  if (unknown.length) throw new AppError(422, 'UNKNOWN_PRODUCT', 'Some products do not exist', { details: unknown });

  const lines = input.items.map((item) => ({ item, product: products.get(item.productId)! }));
  const currency = lines[0].product.currency;
  if (lines.some((l) => l.product.currency !== currency)) {
    const details = lines.map(({ item, product }, i) => itemDetail(i, item.productId, `priced in ${product.currency}`, { currency: product.currency }));
    throw new AppError(422, 'CURRENCY_MISMATCH', 'All items of one order must be priced in the same currency', { details });
  }

  const short = lines.flatMap(({ item, product }, i) =>
    product.quantity >= item.quantity ? [] : [itemDetail(i, item.productId, 'not enough stock', { requested: item.quantity, available: product.quantity })],
  );
  if (short.length) throw new AppError(409, 'INSUFFICIENT_STOCK', 'Some products do not have enough stock', { details: short });

  const items: OrderItem[] = lines.map(({ item, product }) => ({
    productId: product.id,
    name: product.name,
    unitPrice: product.price,
    quantity: item.quantity,
    lineTotal: product.price * item.quantity,
  }));
  const total = items.reduce((sum, item) => sum + item.lineTotal, 0);
  if (!Number.isSafeInteger(total)) throw new AppError(422, 'ORDER_TOO_LARGE', 'The order total is too large');
  const now = new Date();
  return {
    id: randomUUID(),
    userId,
    status: 'PENDING',
    items,
    total,
    currency,
    shippingAddress: input.shippingAddress,
    history: [{ status: 'PENDING', at: now, reason: null }],
    payments: [],
    createdAt: now,
    updatedAt: now,
    version: 1,
    refundDue: false,
  };
}

/**
 * Places an order in PENDING. With an Idempotency-Key, the key row is inserted first in the same
 * transaction as the order, so concurrent retries queue on its unique index: one makes the order,
 * the others wait for it to commit and answer with its stored response.
 */
export async function createOrder(deps: OrderDeps, actor: Actor, input: CreateOrderInput, idempotencyKey?: string): Promise<CreateOrderResult> {
  const requestHash = hashRequest(input);
  if (idempotencyKey) {
    const seen = await deps.store.findIdempotencyRecord(actor.userId, idempotencyKey);
    if (seen) return replay(seen, requestHash);
  }
  const order = await priceOrder(deps.catalog, actor.userId, input);
  if (!idempotencyKey) {
    // A single write, atomic on its own: a transaction around it would only add round trips.
    await recordNewOrder(deps.store, order);
    return { order: toOrderResource(order), replayed: false };
  }
  return deps.store.transaction(async (tx) => {
    const taken = await tx.claimIdempotencyKey(actor.userId, idempotencyKey, requestHash);
    if (taken) return replay(taken, requestHash);
    await recordNewOrder(tx, order);
    const resource = toOrderResource(order);
    await tx.completeIdempotencyKey(actor.userId, idempotencyKey, order.id, resource);
    return { order: resource, replayed: false };
  });
}
