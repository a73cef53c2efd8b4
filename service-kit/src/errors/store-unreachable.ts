/**
 * Whether an error means a store the request needs (PostgreSQL, MongoDB) could not be reached or
 * dropped the connection, rather than that the request or the code is wrong: a client should try
 * again shortly (503), not report a bug (500). Checked by shape, so the kit needs neither driver;
 * TypeORM's QueryFailedError carries pg's error as `driverError`, and other wrappers as `cause`.
 */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
// SQLSTATE: admin_shutdown, crash_shutdown, cannot_connect_now, too_many_connections; class 08 is connection_exception.
const POSTGRES_UNAVAILABLE = new Set(['57P01', '57P02', '57P03', '53300']);
const MONGO_UNREACHABLE = new Set([
  'MongoServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoTopologyClosedError',
  'MongoPoolClearedError',
  'MongoNotConnectedError',
]);
// pg reports a lost or timed-out connection by message only, with no code.
const PG_CONNECTION_LOST = /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error)/;

interface ErrorShape {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  cause?: unknown;
  driverError?: unknown;
}

export function isStoreUnreachable(err: unknown): boolean {
  let current = err as ErrorShape | undefined;
  for (let depth = 0; current && typeof current === 'object' && depth < 5; depth++) {
    const { name, code, message } = current;
    if (typeof name === 'string' && MONGO_UNREACHABLE.has(name)) return true;
    if (typeof code === 'string' && (NETWORK_CODES.has(code) || POSTGRES_UNAVAILABLE.has(code) || /^08[0-9A-Z]{3}$/.test(code))) return true;
    if (typeof message === 'string' && PG_CONNECTION_LOST.test(message)) return true;
    current = (current.driverError ?? current.cause) as ErrorShape | undefined;
  }
  return false;
}
