/** What the worker needs from product-service; implementations throw TransientFailure or PermanentFailure. */
export interface StockPort {
  /** Takes stock for the order, exactly once per (order, product); 'insufficient' when stock is short. */
  commit(orderId: string, productId: string, quantity: number): Promise<'committed' | 'insufficient'>;
  /** Gives back what the order committed of that product; a no-op when it committed nothing. */
  release(orderId: string, productId: string, quantity: number): Promise<void>;
}

/** What the worker needs from order-service. */
export interface OrderStatusPort {
  /**
   * Moves a PAID order on: 'done'; 'repeated' when it already had that status (order-service
   * treats a repeat as a no-op and says so); 'moved-on' when that move is no longer allowed (it
   * went further since).
   */
  setStatus(orderId: string, status: 'CONFIRMED' | 'REFUNDED', reason?: string): Promise<'done' | 'repeated' | 'moved-on'>;
}
