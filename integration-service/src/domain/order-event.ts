import { z } from 'zod';

const productId = z.string().regex(/^[a-f0-9]{24}$/, 'must be a product id');

/** The order events this worker acts on (DESIGN.md § Events); anything else is invalid for it. */
export const orderEventSchema = z.object({
  id: z.uuid(),
  type: z.enum(['order.paid', 'order.cancelled']),
  version: z.literal(1),
  occurredAt: z.string().min(1),
  data: z.object({
    orderId: z.uuid(),
    userId: z.string().min(1),
    status: z.string().min(1),
    previousStatus: z.string().nullish(),
    items: z.array(z.object({ productId, quantity: z.number().int().positive() })).min(1),
    total: z.number().int().nonnegative(),
    currency: z.string().length(3),
    reason: z.string().nullish(),
  }),
});

export type OrderEvent = z.infer<typeof orderEventSchema>;
export type OrderLine = OrderEvent['data']['items'][number];

/** Parses a message body; throws InvalidEventError with the reasons when it is not an event we handle. */
export function parseOrderEvent(body: Buffer): OrderEvent {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    throw new InvalidEventError('body is not JSON');
  }
  const result = orderEventSchema.safeParse(json);
  if (!result.success) {
    throw new InvalidEventError(result.error.issues.map((i) => `${i.path.join('.') || 'event'}: ${i.message}`).join('; '));
  }
  return result.data;
}

/** A message that can never succeed: it goes to the dead-letter queue at once, not through retries. */
export class InvalidEventError extends Error {
  override readonly name = 'InvalidEventError';
}

/**
 * One product per line: stock is committed per (order, product), so two lines of one product
 * would otherwise take effect only once.
 */
export function linesByProduct(items: OrderLine[]): OrderLine[] {
  const totals = new Map<string, number>();
  for (const { productId, quantity } of items) totals.set(productId, (totals.get(productId) ?? 0) + quantity);
  return [...totals].map(([productId, quantity]) => ({ productId, quantity }));
}
