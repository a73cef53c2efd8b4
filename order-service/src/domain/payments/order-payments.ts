import { randomUUID } from 'node:crypto';
import { AppError } from '@ecommerce/service-kit';
import type { Order, Payment } from '../order';
import { transition } from '../order-status';
import type { OrderTx } from '../ports';
import type { ChargeResult, DeclineReason, PaymentGateway } from './payment-gateway';

/** For logs: a failed gateway call's message with the processor's own reason (callGateway keeps it as the cause). */
export function failureReason(err: unknown): string {
  const { message, cause } = err as Error & { cause?: unknown };
  return cause instanceof Error ? `${message} (${cause.message})` : message;
}

async function callGateway<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    // The transaction rolls back: the order stays as it was and the client may try again.
    throw new AppError(503, 'PAYMENT_GATEWAY_UNAVAILABLE', 'The payment provider is unavailable, try again shortly', {
      cause: err,
      headers: { 'Retry-After': '5' },
    });
  }
}

/**
 * The idempotency key of the order's next charge, by order and attempt rather than by payment row:
 * if the transaction rolls back after the gateway charged (commit failed, connection lost), nothing
 * was recorded, so the retry presents the same key and is not charged twice, and the payment
 * timeout finds that charge under it (findLostCharge).
 */
const nextChargeKey = (order: Order) => `charge-${order.id}-${order.payments.filter((p) => p.kind === 'charge').length + 1}`;

const chargeRecord = (order: Order, result: ChargeResult): Payment => ({
  id: randomUUID(),
  kind: 'charge',
  amount: order.total,
  currency: order.currency,
  status: result.status,
  reference: result.reference,
  failureReason: result.status === 'declined' ? result.reason : null,
  refundOf: null,
  createdAt: new Date(),
});

/**
 * Charges the total of a locked, payable order and records the charge with the move it causes:
 * PAID on success, PAYMENT_FAILED (with the decline reason) otherwise. The caller commits either way.
 */
export async function chargeOrder(
  tx: OrderTx,
  gateway: PaymentGateway,
  order: Order,
  token: string,
): Promise<{ order: Order; declined?: DeclineReason }> {
  const result = await callGateway(() =>
    gateway.charge({ amount: order.total, currency: order.currency, token, idempotencyKey: nextChargeKey(order), description: `order ${order.id}` }),
  );
  const payment = chargeRecord(order, result);
  if (result.status === 'declined') return { order: await transition(tx, order, 'PAYMENT_FAILED', result.reason, payment), declined: result.reason };
  return { order: await transition(tx, order, 'PAID', null, payment) };
}

/**
 * A successful charge the processor made for this unpaid order that was never recorded here: the
 * payment's transaction rolled back after the gateway charged, and the client did not try again.
 * Resolves it as a payment to record, or undefined; throws when the processor cannot be reached.
 */
export async function findLostCharge(gateway: PaymentGateway, order: Order): Promise<Payment | undefined> {
  const found = await gateway.findCharge(nextChargeKey(order));
  return found?.status === 'succeeded' ? chargeRecord(order, found) : undefined;
}

/** findLostCharge for a client's request: 503 PAYMENT_GATEWAY_UNAVAILABLE while the processor cannot be asked. */
export function askForLostCharge(gateway: PaymentGateway, order: Order): Promise<Payment | undefined> {
  return callGateway(() => findLostCharge(gateway, order));
}

/**
 * Gives back the order's successful charge; resolves the refund, for the caller to record with the
 * move it causes, or undefined when the charge was refunded already (it is never refunded twice).
 */
export async function refundCharge(gateway: PaymentGateway, order: Order): Promise<Payment | undefined> {
  const charge = order.payments.find((p) => p.kind === 'charge' && p.status === 'succeeded');
  if (!charge) throw new Error(`order ${order.id} is ${order.status} but has no successful charge to refund`);
  if (order.payments.some((p) => p.kind === 'refund' && p.refundOf === charge.id)) return undefined;
  const result = await callGateway(() =>
    gateway.refund({ chargeReference: charge.reference, amount: charge.amount, currency: charge.currency, idempotencyKey: `refund-${charge.id}` }),
  );
  return {
    id: randomUUID(),
    kind: 'refund',
    amount: charge.amount,
    currency: charge.currency,
    status: 'succeeded',
    reference: result.reference,
    failureReason: null,
    refundOf: charge.id,
    createdAt: new Date(),
  };
}
