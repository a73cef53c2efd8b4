import { LRUCache } from 'lru-cache';

export interface ReadThroughCacheOptions {
  /** How long an entry may be served; bounds staleness for changes this replica is not told about. */
  ttlMs: number;
  maxEntries: number;
}

/** A bound on memory as well as on entries, for records whose size varies widely. */
export interface ReadThroughCacheByteBound<V> {
  /** Least recently used entries go first once the kept entries' sizes add up to more than this. */
  maxBytes: number;
  /** An entry's approximate size in bytes; an entry larger than maxBytes is answered but not kept. */
  sizeOf: (value: V) => number;
}

interface Load<V> {
  promise: Promise<V | null | undefined>;
  /** The record changed while it was being read: the result is answered but must not be kept. */
  stale: boolean;
}

interface Write {
  /** Writes of this key in flight. */
  count: number;
  /** Two writes of the key overlapped: the database may have applied them in either order. */
  overlapped: boolean;
}

/**
 * An in-process read cache in front of a database read, shared by every request of a replica.
 *
 * Concurrent misses for one key share a single read: when a popular entry expires, every request
 * in flight would otherwise go to the database at the same moment. A key forgotten while it is
 * being read (its record was just written) keeps the read's result out of the cache, and later
 * readers start a fresh read instead of joining the old one. Absent records (null or undefined)
 * are never kept. Kept records are frozen, since every request shares them.
 *
 * A write made through `write` keeps the record it wrote, unless another write of the key overlapped.
 *
 * lru-cache's own `fetch` coalesces too, but it rejects the waiting readers when the key is
 * deleted during the read; here they get the answer their read began with.
 */
export class ReadThroughCache<V extends object> {
  private readonly entries: LRUCache<string, V>;
  private readonly loads = new Map<string, Load<V>>();
  private readonly writes = new Map<string, Write>();

  /** A byte bound is both maxBytes and sizeOf, or neither: one without the other would bound nothing. */
  constructor(options: ReadThroughCacheOptions & (ReadThroughCacheByteBound<V> | { maxBytes?: never; sizeOf?: never })) {
    const { sizeOf } = options;
    const byteBound = sizeOf ? { maxSize: options.maxBytes, sizeCalculation: (value: V) => Math.max(1, Math.ceil(sizeOf(value))) } : {};
    this.entries = new LRUCache({ max: options.maxEntries, ttl: options.ttlMs, ...byteBound });
  }

  /** The cached record, else the result of `load` (shared with every concurrent reader of `key`). */
  read<R extends V | null | undefined>(key: string, load: () => Promise<R>): Promise<R> {
    const hit = this.entries.get(key);
    if (hit) return Promise.resolve(hit as R);
    const pending = this.loads.get(key);
    if (pending) return pending.promise as Promise<R>;
    const current: Load<V> = { promise: load(), stale: false };
    this.loads.set(key, current);
    const settled = () => {
      if (this.loads.get(key) === current) this.loads.delete(key);
    };
    current.promise.then((record) => {
      settled();
      if (record && !current.stale) this.entries.set(key, Object.freeze(record));
    }, settled);
    return current.promise as Promise<R>;
  }

  /**
   * Runs a write of the key's record and keeps the record as written (`written` picks it out of the
   * write's result), so the next reader need not go to the database for what this replica just
   * wrote. When the write ends the entry is dropped and reads in flight are not kept, as with
   * `forget` (while it runs, readers may still get the record as it was: the write has not happened
   * yet as far as they can tell). The written record is kept only if no other write of the key
   * overlapped it: of two concurrent writes the database may have applied either last, so neither
   * result is known to be the newest, and the next read fetches it.
   */
  async write<R>(key: string, run: () => Promise<R>, written: (result: R) => V | null | undefined): Promise<R> {
    const write = this.writes.get(key) ?? { count: 0, overlapped: false };
    if (write.count > 0) write.overlapped = true;
    write.count += 1;
    this.writes.set(key, write);
    let result: R;
    try {
      result = await run();
    } finally {
      write.count -= 1;
      if (write.count === 0) this.writes.delete(key);
      this.forget(key);
    }
    const record = write.overlapped ? null : written(result);
    if (record) this.entries.set(key, Object.freeze(record));
    return result;
  }

  /** Drops the key's entry, and keeps a read of it now in flight from being kept. */
  forget(key: string): void {
    this.entries.delete(key);
    const pending = this.loads.get(key);
    if (pending) {
      pending.stale = true;
      this.loads.delete(key);
    }
  }

  /** Forgets every key. */
  clear(): void {
    this.entries.clear();
    for (const pending of this.loads.values()) pending.stale = true;
    this.loads.clear();
  }
}
