import { ObjectId } from 'mongodb';
import type { MovementStore, StockAction, StockMovement } from '../domain/stock';
import { isDuplicateKey, type Collections, type StockMovementDocument } from './collections';
import { toObjectId } from './object-id';

const toMovement = (doc: StockMovementDocument): StockMovement => ({
  id: doc._id.toHexString(),
  orderId: doc.orderId,
  productId: doc.productId.toHexString(),
  action: doc.action,
  quantity: doc.quantity,
  state: doc.state,
  ...(doc.reason ? { reason: doc.reason } : {}),
  leaseToken: doc.leaseToken,
  leaseExpiresAt: doc.leaseExpiresAt.getTime(),
});

/** The `stock_movements` collection: one document per (orderId, productId, action), kept as the audit trail. */
export class StockMovementRepository implements MovementStore {
  constructor(private readonly collections: Collections) {}

  private get movements() {
    return this.collections.stockMovements;
  }

  async insertPending(movement: Omit<StockMovement, 'id' | 'state'>): Promise<StockMovement | null> {
    const doc: StockMovementDocument = {
      _id: new ObjectId(),
      orderId: movement.orderId,
      productId: toObjectId(movement.productId),
      action: movement.action,
      quantity: movement.quantity,
      state: 'pending',
      leaseToken: movement.leaseToken,
      leaseExpiresAt: new Date(movement.leaseExpiresAt),
      createdAt: new Date(),
    };
    return (await this.insertOnce(doc)) ? toMovement(doc) : null;
  }

  async barCommit(orderId: string, productId: string): Promise<boolean> {
    const now = new Date();
    return this.insertOnce({
      _id: new ObjectId(),
      orderId,
      productId: toObjectId(productId),
      action: 'commit',
      quantity: 0,
      state: 'rejected',
      reason: 'RELEASED',
      leaseToken: '',
      leaseExpiresAt: now,
      createdAt: now,
      settledAt: now,
    });
  }

  /** False when the unique index already holds a movement for this (orderId, productId, action). */
  private async insertOnce(doc: StockMovementDocument): Promise<boolean> {
    try {
      await this.movements.insertOne(doc);
      return true;
    } catch (err) {
      if (isDuplicateKey(err)) return false;
      throw err;
    }
  }

  async find(orderId: string, productId: string, action: StockAction): Promise<StockMovement | null> {
    const doc = await this.movements.findOne({ orderId, productId: toObjectId(productId), action });
    return doc && toMovement(doc);
  }

  async transferLease(id: string, fromToken: string, toToken: string, leaseExpiresAt: number): Promise<boolean> {
    const result = await this.movements.updateOne(
      { _id: toObjectId(id), state: 'pending', leaseToken: fromToken },
      { $set: { leaseToken: toToken, leaseExpiresAt: new Date(leaseExpiresAt) } },
    );
    return result.modifiedCount === 1;
  }

  async settle(id: string, token: string, outcome: Parameters<MovementStore['settle']>[2]): Promise<boolean> {
    const result = await this.movements.updateOne(
      { _id: toObjectId(id), state: 'pending', leaseToken: token },
      { $set: { state: outcome.state, quantity: outcome.quantity, settledAt: new Date(), ...(outcome.reason ? { reason: outcome.reason } : {}) } },
    );
    return result.modifiedCount === 1;
  }
}
