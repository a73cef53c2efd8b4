/** A card processor, as the order domain needs it. Amounts are minor units of `currency`. */
export interface PaymentGateway {
  charge(request: ChargeRequest): Promise<ChargeResult>;
  /**
   * The charge made under this idempotency key, or null when none was: how a charge whose answer
   * was lost, or whose recording rolled back, is found again. Throws when the processor cannot be reached.
   */
  findCharge(idempotencyKey: string): Promise<ChargeResult | null>;
  /** Gives back a successful charge; throws when the processor cannot be reached or refuses. */
  refund(request: RefundRequest): Promise<RefundResult>;
}

export interface ChargeRequest {
  amount: number;
  currency: string;
  /** A card token from the client-side card form (never a card number). */
  token: string;
  /** The processor does a repeated request with the same key only once. */
  idempotencyKey: string;
  description: string;
}

export type ChargeResult =
  | { status: 'succeeded'; reference: string }
  | { status: 'declined'; reference: string; reason: DeclineReason };

export type DeclineReason = 'card_declined' | 'insufficient_funds';

export interface RefundRequest {
  chargeReference: string;
  amount: number;
  currency: string;
  idempotencyKey: string;
}

export interface RefundResult {
  reference: string;
}
