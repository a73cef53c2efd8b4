import { isStoreUnreachable } from '../src';

describe('isStoreUnreachable', () => {
  it.each([
    ['MongoDB server selection giving up', Object.assign(new Error('Server selection timed out after 5000 ms'), { name: 'MongoServerSelectionError' })],
    ['a MongoDB connection dropped mid-operation', Object.assign(new Error('connection 3 to 127.0.0.1:27017 closed'), { name: 'MongoNetworkError' })],
    ['PostgreSQL refusing connections', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
    ['pg losing its connection (no code)', new Error('Connection terminated unexpectedly')],
    ['pg-pool timing out a connect', new Error('timeout exceeded when trying to connect')],
    ['PostgreSQL shutting down (57P01), inside TypeORM’s QueryFailedError', Object.assign(new Error('terminating connection due to administrator command'), { name: 'QueryFailedError', driverError: { code: '57P01' } })],
    ['PostgreSQL out of connections (53300)', Object.assign(new Error('sorry, too many clients already'), { code: '53300' })],
    ['a connection exception (class 08)', Object.assign(new Error('connection failure'), { code: '08006' })],
    ['a MongoDB primary stepping down (NotWritablePrimary)', Object.assign(new Error('not primary'), { name: 'MongoServerError', code: 10107 })],
    ['a MongoDB error the driver labels retryable, whatever its code', Object.assign(new Error('interrupted'), { name: 'MongoServerError', code: 1, errorLabels: ['RetryableWriteError'] })],
    ['the cause of a wrapper', new Error('could not read', { cause: Object.assign(new Error('x'), { code: 'ECONNRESET' }) })],
  ])('is true for %s', (_what, err) => {
    expect(isStoreUnreachable(err)).toBe(true);
  });

  it.each([
    ['a plain bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['a unique violation', Object.assign(new Error('duplicate key value'), { name: 'QueryFailedError', driverError: { code: '23505' } })],
    ['a MongoDB duplicate key', Object.assign(new Error('E11000 duplicate key error'), { name: 'MongoServerError', code: 11000 })],
    ['a syntax error in SQL', Object.assign(new Error('syntax error'), { code: '42601' })],
    ['a statement sent with the wrong number of parameters (08P01, a bug)', Object.assign(new Error('bind message supplies 2 parameters, but prepared statement "" requires 3'), { code: '08P01' })],
    ['a MongoDB validation failure', Object.assign(new Error('Document failed validation'), { name: 'MongoServerError', code: 121, errorLabels: [] })],
    ['a non-error', 'boom'],
    ['nothing', undefined],
  ])('is false for %s', (_what, err) => {
    expect(isStoreUnreachable(err)).toBe(false);
  });
});
