import { randomBytes } from 'node:crypto';
import type { ChargeRequest, ChargeResult, DeclineReason, PaymentGateway, RefundRequest, RefundResult } from './payment-gateway';

/** Test-mode tokens, as card processors document them; every other token is a working card. */
const DECLINING_TOKENS: Record<string, DeclineReason> = {
  tok_chargeDeclined: 'card_declined',
  tok_insufficientFunds: 'insufficient_funds',
};

const reference = (prefix: 'ch' | 're') => `${prefix}_${randomBytes(12).toString('hex')}`;

/**
 * The built-in gateway: behaves like a card processor's test mode. Like a real processor it
 * remembers idempotency keys, so a retried charge or refund is not done twice.
 */
export class SimulatedPaymentGateway implements PaymentGateway {
  private readonly charges = new Map<string, ChargeResult>();
  private readonly refunds = new Map<string, RefundResult>();

  async charge(request: ChargeRequest): Promise<ChargeResult> {
    const seen = this.charges.get(request.idempotencyKey);
    if (seen) return seen;
    const reason = DECLINING_TOKENS[request.token];
    const result: ChargeResult = reason
      ? { status: 'declined', reference: reference('ch'), reason }
      : { status: 'succeeded', reference: reference('ch') };
    this.remember(this.charges, request.idempotencyKey, result);
    return result;
  }

  async findCharge(idempotencyKey: string): Promise<ChargeResult | null> {
    return this.charges.get(idempotencyKey) ?? null;
  }

  async refund(request: RefundRequest): Promise<RefundResult> {
    const seen = this.refunds.get(request.idempotencyKey);
    if (seen) return seen;
    const result = { reference: reference('re') };
    this.remember(this.refunds, request.idempotencyKey, result);
    return result;
  }

  /** Bounded, so a long-running process does not grow without limit. */
  private remember<T>(map: Map<string, T>, key: string, value: T): void {
    map.set(key, value);
    if (map.size > 10_000) map.delete(map.keys().next().value as string);
  }
}
