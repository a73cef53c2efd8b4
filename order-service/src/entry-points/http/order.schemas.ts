import { z } from 'zod';
import { getAlpha2Codes } from 'i18n-iso-countries';
import { schemas } from '@ecommerce/service-kit';
import { ORDER_STATUSES } from '../../domain/order';

const NO_CONTROL_CHARACTERS = /^[^\p{Cc}]*$/u;
const text = (max: number) => z.string().trim().min(1).max(max).regex(NO_CONTROL_CHARACTERS, 'must not contain control characters');

const productId = z
  .string()
  .regex(/^[0-9a-fA-F]{24}$/, 'must be a product id (24 hexadecimal characters)')
  .transform((id) => id.toLowerCase());

export const shippingAddressSchema = z.object({
  name: text(200),
  line1: text(200),
  line2: z
    .string()
    .trim()
    .max(200)
    .regex(NO_CONTROL_CHARACTERS, 'must not contain control characters')
    .optional()
    .transform((line) => line || undefined),
  city: text(100),
  postalCode: text(20),
  // An assigned code (DE, not QQ or UK): a carrier cannot ship to a country that does not exist.
  country: z
    .string()
    .transform((code) => code.toUpperCase())
    .pipe(z.enum(Object.keys(getAlpha2Codes()) as [string, ...string[]], { error: 'must be an ISO 3166-1 alpha-2 country code such as DE' })),
});

/** Only ids and quantities come from the client; names, prices, totals, status and owner never do. */
export const createOrderBody = z.object({
  items: z
    .array(z.object({ productId, quantity: z.number().int().min(1).max(1000) }))
    .min(1)
    .max(50)
    .superRefine((items, ctx) => {
      const seen = new Set<string>();
      items.forEach((item, i) => {
        if (seen.has(item.productId)) {
          ctx.addIssue({ code: 'custom', path: [i, 'productId'], message: 'appears twice; put the whole quantity on one line' });
        }
        seen.add(item.productId);
      });
    }),
  shippingAddress: shippingAddressSchema,
});

/** 1 to 255 printable ASCII characters, as the IETF Idempotency-Key draft and card processors use. */
const idempotencyKey = z.string().regex(/^[\x20-\x7E]{1,255}$/, 'must be 1 to 255 printable ASCII characters').optional();
export const createOrderHeaders = z.object({
  'Idempotency-Key': idempotencyKey.describe('Repeat a request safely: the same key and body return the first order'),
});

export const orderIdParams = z.object({ id: z.uuid() });

export const listOrdersQuery = schemas.paging.extend({
  status: z.enum(ORDER_STATUSES).optional(),
  // Lower-cased as user-service writes ids, so a customer's own id matches in either case.
  userId: z
    .uuid()
    .transform((id) => id.toLowerCase())
    .optional()
    .describe('Admins only (customers may name themselves): the orders of one user'),
});

export const payOrderBody = z.object({
  paymentMethod: z.object({
    type: z.literal('card'),
    token: z.string().regex(/^[\x21-\x7E]{1,255}$/, 'must be a card token such as tok_visa'),
  }),
});

export const adminStatusBody = z.object({ status: z.enum(ORDER_STATUSES) });

export const internalStatusBody = z.object({
  status: z.enum(ORDER_STATUSES),
  reason: text(200).optional(),
});

/** Response shapes, for the OpenAPI document. */
export const orderResponse = z.object({
  id: z.uuid(),
  userId: z.string(),
  status: z.enum(ORDER_STATUSES),
  items: z.array(z.object({ productId: z.string(), name: z.string(), unitPrice: z.number().int(), quantity: z.number().int(), lineTotal: z.number().int() })),
  total: z.number().int().describe('Minor units of currency'),
  currency: z.string(),
  shippingAddress: z.object({ name: z.string(), line1: z.string(), line2: z.string().optional(), city: z.string(), postalCode: z.string(), country: z.string() }),
  history: z.array(z.object({ status: z.enum(ORDER_STATUSES), at: z.string(), reason: z.string().nullable() })),
  payments: z.array(
    z.object({
      id: z.uuid(),
      kind: z.enum(['charge', 'refund']),
      amount: z.number().int(),
      currency: z.string(),
      status: z.enum(['succeeded', 'declined']),
      reference: z.string(),
      failureReason: z.string().nullable(),
      createdAt: z.string(),
    }),
  ),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const orderPageResponse = schemas.page(orderResponse);
