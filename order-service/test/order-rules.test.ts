import { ORDER_STATUSES, type OrderStatus } from '../src/domain/order';
import { canTransition } from '../src/domain/order-status';
import { SimulatedPaymentGateway } from '../src/domain/payments/simulated-payment-gateway';
import { hashRequest } from '../src/domain/create-order';

describe('the order state machine', () => {
  const allowed: [OrderStatus, OrderStatus][] = [
    ['PENDING', 'PAID'],
    ['PENDING', 'PAYMENT_FAILED'],
    ['PENDING', 'CANCELLED'],
    ['PAYMENT_FAILED', 'PAID'],
    ['PAYMENT_FAILED', 'PAYMENT_FAILED'],
    ['PAYMENT_FAILED', 'CANCELLED'],
    ['PAID', 'CONFIRMED'],
    ['PAID', 'REFUNDED'],
    ['CONFIRMED', 'SHIPPED'],
    ['CONFIRMED', 'CANCELLED'],
    ['SHIPPED', 'DELIVERED'],
  ];

  it('allows exactly the moves of the contract’s diagram', () => {
    const actual = ORDER_STATUSES.flatMap((from) => ORDER_STATUSES.filter((to) => canTransition(from, to)).map((to) => [from, to]));
    expect(actual.sort()).toEqual([...allowed].sort());
  });

  it.each(['DELIVERED', 'CANCELLED', 'REFUNDED'] as OrderStatus[])('%s is an end state', (status) => {
    expect(ORDER_STATUSES.some((to) => canTransition(status, to))).toBe(false);
  });
});

describe('SimulatedPaymentGateway (card processor test mode)', () => {
  const gateway = new SimulatedPaymentGateway();
  const charge = (token: string, idempotencyKey = `${token}-${Math.random()}`) =>
    gateway.charge({ amount: 1000, currency: 'EUR', token, idempotencyKey, description: 'test' });

  it('accepts tok_visa and any other token, with a charge reference', async () => {
    await expect(charge('tok_visa')).resolves.toEqual({ status: 'succeeded', reference: expect.stringMatching(/^ch_[0-9a-f]{24}$/) });
    await expect(charge('tok_mastercard')).resolves.toMatchObject({ status: 'succeeded' });
  });

  it('declines tok_chargeDeclined and tok_insufficientFunds with their reasons', async () => {
    await expect(charge('tok_chargeDeclined')).resolves.toMatchObject({ status: 'declined', reason: 'card_declined', reference: expect.stringMatching(/^ch_/) });
    await expect(charge('tok_insufficientFunds')).resolves.toMatchObject({ status: 'declined', reason: 'insufficient_funds' });
  });

  it('does a charge or refund retried with the same idempotency key only once', async () => {
    const first = await charge('tok_visa', 'key-1');
    expect(await charge('tok_visa', 'key-1')).toEqual(first);
    const refund = { chargeReference: first.reference, amount: 1000, currency: 'EUR', idempotencyKey: 'refund-1' };
    const refunded = await gateway.refund(refund);
    expect(refunded.reference).toMatch(/^re_/);
    expect(await gateway.refund(refund)).toEqual(refunded);
  });
});

describe('the Idempotency-Key request hash', () => {
  const input = { items: [{ productId: 'a'.repeat(24), quantity: 1 }], shippingAddress: { name: 'A', line1: 'B', city: 'C', postalCode: 'D', country: 'GB' } };

  it('ignores the order of object keys but not of items or any value', () => {
    const reordered = { shippingAddress: { country: 'GB', postalCode: 'D', city: 'C', line1: 'B', name: 'A' }, items: [{ quantity: 1, productId: 'a'.repeat(24) }] };
    expect(hashRequest(reordered)).toBe(hashRequest(input));
    expect(hashRequest({ ...input, items: [{ productId: 'a'.repeat(24), quantity: 2 }] })).not.toBe(hashRequest(input));
    expect(hashRequest({ ...input, shippingAddress: { ...input.shippingAddress, city: 'E' } })).not.toBe(hashRequest(input));
  });
});
