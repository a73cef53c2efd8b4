import { randomUUID } from 'node:crypto';
import { conflict, notFound, serviceUnavailable } from '@ecommerce/service-kit';
import { isProductId } from './product';

export type StockAction = 'commit' | 'release';
export type MovementState = 'pending' | 'applied' | 'rejected' | 'noop';
export type RejectionReason = 'INSUFFICIENT' | 'DELETED' | 'RELEASED';

/** One (orderId, productId, action): recorded once, applied at most once. */
export interface StockMovement {
  id: string;
  orderId: string;
  productId: string;
  action: StockAction;
  /** Units asked for (commit) or given back (release, known once settled). */
  quantity: number;
  state: MovementState;
  reason?: RejectionReason;
  leaseToken: string;
  leaseExpiresAt: number;
}

export interface MovementStore {
  /** Records a pending movement leased to its inserter; null when this (orderId, productId, action) exists. */
  insertPending(movement: Omit<StockMovement, 'id' | 'state'>): Promise<StockMovement | null>;
  find(orderId: string, productId: string, action: StockAction): Promise<StockMovement | null>;
  /**
   * Records this order's commit of this product as refused (RELEASED) before any commit was made,
   * so none can be made later; false when a commit was recorded first.
   */
  barCommit(orderId: string, productId: string): Promise<boolean>;
  /** Moves the lease from `fromToken` to `toToken`; false when someone else holds it now or it is settled. */
  transferLease(id: string, fromToken: string, toToken: string, leaseExpiresAt: number): Promise<boolean>;
  /** Settles a pending movement whose lease `token` still holds; false when the lease was lost. */
  settle(id: string, token: string, outcome: { state: Exclude<MovementState, 'pending'>; quantity: number; reason?: RejectionReason }): Promise<boolean>;
}

export interface StockLevel {
  quantity: number;
  deleted: boolean;
  /** The movement's marker is on the product: its change was applied. */
  marked: boolean;
}

export interface StockStore {
  /** Whether a product with this id was ever created (deleted ones included); may be served from a cache. */
  exists(productId: string): Promise<boolean>;
  stockLevel(productId: string, movementId?: string): Promise<StockLevel | null>;
  /**
   * ONE conditional update: adds `delta` to the stock and leaves the movement's marker, only when the
   * marker is not there yet (and, for a take, only when the product is live and has enough), and
   * only for the movement's current holder: `holder` when it took the movement over (fence), else
   * the request that recorded it, as long as nobody took the movement over from it.
   * Returns the stock left, or null when nothing changed.
   */
  applyMovement(productId: string, movementId: string, delta: number, holder?: number): Promise<number | null>;
  /**
   * Shuts every earlier holder of the movement out of applyMovement for good, however late its
   * update reaches the database: from now on only `holder` can apply it. Written on the product, the
   * document that update changes, since nothing else is checked in the same atomic step. `holder`
   * grows with each takeover (the time it took the lease until), so a fence that itself arrives
   * late never replaces a newer one: false then, and this request is the one shut out.
   */
  fence(productId: string, movementId: string, holder: number): Promise<boolean>;
  /** Drops a marker once its movement is settled (the movement's state is the record from then on). */
  clearMarker(productId: string, movementId: string): Promise<void>;
}

export interface StockRequest {
  productId: string;
  orderId: string;
  action: StockAction;
  /** Required for commit; a release always gives back what the order's commit took. */
  quantity?: number;
}

export interface StockOutcome {
  productId: string;
  action: StockAction;
  result: Exclude<MovementState, 'pending'>;
  /** Answered from an earlier identical request, with no second effect. */
  repeated: boolean;
  reason?: RejectionReason;
  /** The stock left now. */
  quantity: number;
}

export interface StockOptions {
  /** How long a request may hold a movement before another may take it over (its process is presumed dead). */
  leaseMs?: number;
  pollMs?: number;
  onCleanupError?: (err: unknown) => void;
}

/** A commit a release recorded as refused before any was made (see MovementStore.barCommit). */
const isBarred = (movement: StockMovement) => movement.action === 'commit' && movement.reason === 'RELEASED';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Lease {
  token: string;
  expiresAt: number;
  /** Set when this request took the movement over: the fence it wrote, which only its apply passes. */
  holder?: number;
}

interface Decision {
  state: Exclude<MovementState, 'pending'>;
  moved: number;
  stockLeft: number;
  reason?: RejectionReason;
}

/**
 * Exactly-once stock changes per (orderId, productId, action).
 *
 * The request that inserts the movement (a unique index picks exactly one) leases it and is the only
 * one to apply it; repeats wait for its result. Applying is a single conditional update on the product
 * that also leaves the movement's marker, so if the process dies between changing the stock and
 * settling the movement, whoever takes the expired lease over finds the marker and settles it as
 * applied instead of applying it again. Nothing bounds how late a holder's update can reach the
 * database (a stalled connection, a failover), so whoever takes a movement over first fences the
 * product against every earlier holder, and only then looks for the marker: an earlier update that
 * landed before the fence left its marker, one that lands after it matches nothing.
 */
export class Stock {
  private readonly leaseMs: number;
  private readonly pollMs: number;

  constructor(
    private readonly movements: MovementStore,
    private readonly products: StockStore,
    private readonly options: StockOptions = {},
  ) {
    this.leaseMs = options.leaseMs ?? 15_000;
    this.pollMs = options.pollMs ?? 25;
  }

  async change(request: StockRequest): Promise<StockOutcome> {
    if (!isProductId(request.productId)) throw notFound('No product with this id');
    const productId = request.productId.toLowerCase();
    if (!(await this.products.exists(productId))) throw notFound('No product with this id');
    const key = { orderId: request.orderId, productId, action: request.action };
    const leaseToken = randomUUID();
    const mine = await this.movements.insertPending({
      ...key,
      quantity: request.action === 'commit' ? (request.quantity ?? 0) : 0,
      leaseToken,
      leaseExpiresAt: Date.now() + this.leaseMs,
    });
    if (mine) return this.run(mine, leaseToken, true);
    return this.outcomeOf(key, request.quantity);
  }

  /** The settled result of a movement someone else recorded, taking it over if its holder died. */
  private async outcomeOf(key: Pick<StockMovement, 'orderId' | 'productId' | 'action'>, quantity?: number): Promise<StockOutcome> {
    const movement = await this.awaitSettled(key, quantity);
    if (movement.state === 'pending') return this.run(movement, movement.leaseToken);
    const level = await this.products.stockLevel(key.productId);
    // A barred commit was never asked for before: it is refused, not repeated.
    const repeated = !isBarred(movement);
    return { productId: key.productId, action: key.action, result: movement.state, repeated, reason: movement.reason, quantity: level?.quantity ?? 0 };
  }

  /**
   * Polls until the movement is settled, or returns it still pending once this request holds its expired lease.
   * A commit repeated with another `quantity` is refused at once: a commit's quantity never changes, so there is nothing to wait for.
   */
  private async awaitSettled(key: Pick<StockMovement, 'orderId' | 'productId' | 'action'>, quantity?: number): Promise<StockMovement> {
    const deadline = Date.now() + this.leaseMs + 5_000;
    for (let attempt = 0; ; attempt++) {
      const movement = await this.movements.find(key.orderId, key.productId, key.action);
      if (!movement) throw new Error(`stock movement ${key.orderId}/${key.productId}/${key.action} vanished`);
      if (key.action === 'commit' && quantity !== undefined && movement.quantity !== quantity && !isBarred(movement)) {
        throw conflict('IDEMPOTENCY_CONFLICT', 'This order already committed a different quantity of this product');
      }
      if (movement.state !== 'pending') return movement;
      if (movement.leaseExpiresAt <= Date.now()) {
        const token = randomUUID();
        const expiresAt = Date.now() + this.leaseMs;
        if (await this.movements.transferLease(movement.id, movement.leaseToken, token, expiresAt)) {
          return { ...movement, leaseToken: token, leaseExpiresAt: expiresAt };
        }
        continue;
      }
      if (Date.now() > deadline) {
        throw serviceUnavailable('This stock change is still in progress, try again shortly');
      }
      await sleep(Math.min(this.pollMs * 2 ** Math.min(attempt, 3), 250));
    }
  }

  /**
   * Decides and settles a movement this request holds the lease of. `fresh`: this request inserted
   * it just now, so no earlier holder can have applied it and its marker need not be looked for.
   */
  private async run(movement: StockMovement, token: string, fresh = false): Promise<StockOutcome> {
    const lease: Lease = { token, expiresAt: movement.leaseExpiresAt };
    if (!fresh) {
      // Taken over from a holder presumed dead: shut it out before looking for its marker.
      lease.holder = movement.leaseExpiresAt;
      if (!(await this.products.fence(movement.productId, movement.id, lease.holder))) return this.outcomeOf(movement);
    }
    const decision =
      movement.action === 'commit' ? await this.decideCommit(movement, lease, fresh) : await this.decideRelease(movement, lease);
    if (!decision) return this.outcomeOf(movement);
    // A commit keeps the quantity it asked for (repeats are checked against it); a release records what it gave back.
    const quantity = movement.action === 'commit' ? movement.quantity : decision.moved;
    const settled = await this.movements.settle(movement.id, lease.token, { state: decision.state, quantity, reason: decision.reason });
    if (!settled) return this.outcomeOf(movement);
    if (decision.state === 'applied') {
      await this.products.clearMarker(movement.productId, movement.id).catch((err: unknown) => this.options.onCleanupError?.(err));
    }
    return { productId: movement.productId, action: movement.action, result: decision.state, repeated: false, reason: decision.reason, quantity: decision.stockLeft };
  }

  /**
   * Called right before applying: renews the lease when less than a third of it is left, so that a
   * live holder is not taken over while it applies. False when it already has been.
   */
  private async holdLease(movement: StockMovement, lease: Lease): Promise<boolean> {
    if (lease.expiresAt - Date.now() > this.leaseMs / 3) return true;
    const token = randomUUID();
    const expiresAt = Date.now() + this.leaseMs;
    if (!(await this.movements.transferLease(movement.id, lease.token, token, expiresAt))) return false;
    Object.assign(lease, { token, expiresAt });
    return true;
  }

  /** Applies the movement's change under its lease; undefined when the lease was lost. */
  private async apply(movement: StockMovement, lease: Lease, delta: number): Promise<{ applied: boolean; level: StockLevel | null } | undefined> {
    if (!(await this.holdLease(movement, lease))) return undefined;
    const left = await this.products.applyMovement(movement.productId, movement.id, delta, lease.holder);
    if (left !== null) return { applied: true, level: { quantity: left, deleted: false, marked: true } };
    // Nothing changed: either too little stock, or the marker shows an earlier holder applied it.
    const level = await this.products.stockLevel(movement.productId, movement.id);
    return { applied: Boolean(level?.marked), level };
  }

  private async decideCommit(movement: StockMovement, lease: Lease, fresh: boolean): Promise<Decision | undefined> {
    if (!fresh) {
      const before = await this.products.stockLevel(movement.productId, movement.id);
      if (before?.marked) return { state: 'applied', moved: movement.quantity, stockLeft: before.quantity };
    }
    const result = await this.apply(movement, lease, -movement.quantity);
    if (!result) return undefined;
    const stockLeft = result.level?.quantity ?? 0;
    if (result.applied) return { state: 'applied', moved: movement.quantity, stockLeft };
    return { state: 'rejected', moved: 0, stockLeft, reason: result.level?.deleted ? 'DELETED' : 'INSUFFICIENT' };
  }

  private async decideRelease(movement: StockMovement, lease: Lease): Promise<Decision | undefined> {
    const key = { orderId: movement.orderId, productId: movement.productId, action: 'commit' as const };
    let commit = await this.movements.find(key.orderId, key.productId, key.action);
    // No commit yet: this order's stock is given up, so bar one arriving later (a retry that lost the
    // race) from taking it; the commit path then needs no look-up of releases.
    if (!commit && (await this.movements.barCommit(key.orderId, key.productId))) {
      const level = await this.products.stockLevel(movement.productId);
      return { state: 'noop', moved: 0, stockLeft: level?.quantity ?? 0 };
    }
    commit ??= await this.movements.find(key.orderId, key.productId, key.action);
    // An unsettled commit of this order is settled first (by its holder, or here if its holder died).
    if (commit?.state === 'pending') {
      const awaited = await this.awaitSettled(key);
      if (awaited.state === 'pending') await this.run(awaited, awaited.leaseToken);
      commit = await this.movements.find(key.orderId, key.productId, key.action);
    }
    const before = await this.products.stockLevel(movement.productId, movement.id);
    if (before?.marked) return { state: 'applied', moved: commit?.quantity ?? 0, stockLeft: before.quantity };
    if (!commit || commit.state !== 'applied' || !before) return { state: 'noop', moved: 0, stockLeft: before?.quantity ?? 0 };
    const result = await this.apply(movement, lease, commit.quantity);
    if (!result) return undefined;
    return { state: result.applied ? 'applied' : 'noop', moved: result.applied ? commit.quantity : 0, stockLeft: result.level?.quantity ?? 0 };
  }
}
