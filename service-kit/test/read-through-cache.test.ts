import { ReadThroughCache } from '../src/data/read-through-cache';

interface Row {
  id: string;
  version: number;
}

/** A database read whose answer the test releases by hand, counting how often it was asked. */
function controlledSource() {
  const calls: { resolve: (row: Row | null) => void; reject: (err: Error) => void }[] = [];
  const load = () =>
    new Promise<Row | null>((resolve, reject) => {
      calls.push({ resolve, reject });
    });
  return { calls, load };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

const newCache = (ttlMs = 60_000) => new ReadThroughCache<Row>({ ttlMs, maxEntries: 10 });

/** Reads `key` and tells whether the cache asked the source for it (true) or answered from memory. */
function readGoesToSource(cache: ReadThroughCache<Row>, source: ReturnType<typeof controlledSource>, key = 'a'): boolean {
  const before = source.calls.length;
  void cache.read(key, source.load);
  return source.calls.length > before;
}

/** Reads `row` through the cache from `source` and lets the cache keep it. */
async function keptEntry(cache: ReadThroughCache<Row>, source: ReturnType<typeof controlledSource>, row: Row): Promise<void> {
  const read = cache.read(row.id, source.load);
  source.calls.at(-1)!.resolve(row);
  await read;
  await settle();
}

describe('ReadThroughCache', () => {
  it('serves concurrent misses for one key from a single read, then from memory', async () => {
    const cache = newCache();
    const source = controlledSource();
    const readers = [1, 2, 3].map(() => cache.read('a', source.load));
    expect(source.calls).toHaveLength(1);
    source.calls[0].resolve({ id: 'a', version: 1 });
    const rows = await Promise.all(readers);
    expect(rows.every((row) => row === rows[0])).toBe(true);
    expect(Object.isFrozen(rows[0])).toBe(true);
    expect(await cache.read('a', source.load)).toBe(rows[0]);
    expect(source.calls).toHaveLength(1);
  });

  it('answers a read that raced with a change but does not keep it, and later readers read afresh', async () => {
    const cache = newCache();
    const source = controlledSource();
    const before = cache.read('a', source.load);
    cache.forget('a'); // the record was written while the first read was in flight
    const after = cache.read('a', source.load);
    expect(source.calls).toHaveLength(2);
    source.calls[0].resolve({ id: 'a', version: 1 });
    source.calls[1].resolve({ id: 'a', version: 2 });
    expect(await before).toEqual({ id: 'a', version: 1 });
    expect(await after).toEqual({ id: 'a', version: 2 });
    await settle();
    expect(await cache.read('a', source.load)).toEqual({ id: 'a', version: 2 });
    expect(source.calls).toHaveLength(2);
  });

  it('keeps nothing for an absent record, so it is looked up again next time', async () => {
    const cache = newCache();
    const source = controlledSource();
    const first = cache.read('missing', source.load);
    source.calls[0].resolve(null);
    expect(await first).toBeNull();
    expect(readGoesToSource(cache, source, 'missing')).toBe(true);
  });

  it('passes a failed read to every waiting reader and retries on the next read', async () => {
    const cache = newCache();
    const source = controlledSource();
    const readers = [cache.read('a', source.load), cache.read('a', source.load)];
    source.calls[0].reject(new Error('database down'));
    await expect(Promise.all(readers)).rejects.toThrow('database down');
    await settle();
    const retry = cache.read('a', source.load);
    expect(source.calls).toHaveLength(2);
    source.calls[1].resolve({ id: 'a', version: 1 });
    expect(await retry).toEqual({ id: 'a', version: 1 });
  });

  it('keeps no read that was in flight when everything was forgotten', async () => {
    const cache = newCache();
    const source = controlledSource();
    const inFlight = cache.read('a', source.load);
    cache.clear();
    source.calls[0].resolve({ id: 'a', version: 1 });
    await inFlight;
    await settle();
    expect(readGoesToSource(cache, source)).toBe(true);
  });

  /** A database write whose answer the test releases by hand. */
  function controlledWrite() {
    let finish!: (row: Row | null) => void;
    let fail!: (err: Error) => void;
    const promise = new Promise<Row | null>((resolve, reject) => {
      finish = resolve;
      fail = reject;
    });
    return { run: () => promise, finish, fail };
  }
  const asWritten = (row: Row | null) => row;

  it('keeps a record as its write returned it, so the next reader does not go to the database', async () => {
    const cache = newCache();
    const source = controlledSource();
    const write = controlledWrite();
    const written = cache.write('a', write.run, asWritten);
    write.finish({ id: 'a', version: 2 });
    expect(await written).toEqual({ id: 'a', version: 2 });
    expect(await cache.read('a', source.load)).toEqual({ id: 'a', version: 2 });
    expect(source.calls).toHaveLength(0);
  });

  // The first write may keep what it wrote (an edit) or nothing (a deletion); whichever answers
  // last, the database may have applied the other one last.
  it.each([
    { first: 'a write that keeps what it wrote', keepFirst: asWritten, answersFirst: 'the second' },
    { first: 'a write that keeps what it wrote', keepFirst: asWritten, answersFirst: 'the first' },
    { first: 'a write that keeps nothing', keepFirst: () => null, answersFirst: 'the first' },
    { first: 'a write that keeps nothing', keepFirst: () => null, answersFirst: 'the second' },
  ])('keeps no result of two overlapping writes of a key, the first $first, when $answersFirst answers first', async ({ keepFirst, answersFirst }) => {
    const cache = newCache();
    const source = controlledSource();
    const first = controlledWrite();
    const second = controlledWrite();
    const writes = [cache.write('a', first.run, keepFirst), cache.write('a', second.run, asWritten)];
    const answers = [() => first.finish({ id: 'a', version: 2 }), () => second.finish({ id: 'a', version: 3 })];
    if (answersFirst === 'the second') answers.reverse();
    for (const answer of answers) answer();
    await Promise.all(writes);
    expect(readGoesToSource(cache, source)).toBe(true);
    // The next write that overlaps nothing is kept again.
    const third = controlledWrite();
    const written = cache.write('a', third.run, asWritten);
    third.finish({ id: 'a', version: 4 });
    await written;
    expect(await cache.read('a', source.load)).toEqual({ id: 'a', version: 4 });
  });

  it.each(['the write', 'the read'])('does not keep a read that was in flight while the key was written, when %s finishes first', async (firstDone) => {
    const cache = newCache();
    const source = controlledSource();
    const write = controlledWrite();
    const written = cache.write('a', write.run, () => null); // a write that hands back nothing to keep
    const during = cache.read('a', source.load); // began after the write did, may have read the old record
    const finishWrite = async () => {
      write.finish({ id: 'a', version: 2 });
      await written;
    };
    const finishRead = async () => {
      source.calls[0].resolve({ id: 'a', version: 1 });
      expect(await during).toEqual({ id: 'a', version: 1 });
      await settle();
    };
    if (firstDone === 'the write') {
      await finishWrite();
      await finishRead();
    } else {
      await finishRead();
      await finishWrite();
    }
    expect(readGoesToSource(cache, source)).toBe(true);
  });

  it('drops the entry and passes the error on when a write fails', async () => {
    const cache = newCache();
    const source = controlledSource();
    await keptEntry(cache, source, { id: 'a', version: 1 });
    const write = controlledWrite();
    const written = cache.write('a', write.run, asWritten);
    write.fail(new Error('write timed out'));
    await expect(written).rejects.toThrow('write timed out');
    expect(readGoesToSource(cache, source)).toBe(true);
  });

  it('reads again once an entry has outlived its ttl', async () => {
    const cache = newCache(500);
    const source = controlledSource();
    await keptEntry(cache, source, { id: 'a', version: 1 });
    expect(readGoesToSource(cache, source)).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(readGoesToSource(cache, source)).toBe(true);
  });

  it('with a byte bound, drops the least recently used entries to stay under it and answers an oversized record without keeping it', async () => {
    // Each row "weighs" its version in bytes.
    const cache = new ReadThroughCache<Row>({ ttlMs: 60_000, maxEntries: 10, maxBytes: 100, sizeOf: (row) => row.version });
    let loads = 0;
    const row = (id: string, version: number) => () => {
      loads += 1;
      return Promise.resolve({ id, version });
    };
    const read = async (id: string, version: number) => {
      const value = await cache.read(id, row(id, version));
      await settle();
      return value;
    };
    await read('a', 40);
    await read('b', 40);
    await read('a', 40); // a is now the most recently used
    expect(loads).toBe(2);
    await read('c', 40); // 120 bytes: b goes, a and c stay
    await read('a', 40);
    await read('c', 40);
    expect(loads).toBe(3);
    await read('b', 40);
    expect(loads).toBe(4);
    expect(await read('huge', 101)).toEqual({ id: 'huge', version: 101 });
    await read('huge', 101);
    expect(loads).toBe(6);
  });
});
