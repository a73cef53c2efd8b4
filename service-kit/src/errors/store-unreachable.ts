/**
 * Whether an error means a store the request needs (PostgreSQL, MongoDB) could not be reached or
 * dropped the connection, rather than that the request or the code is wrong: a client should try
 * again shortly (503), not report a bug (500). Checked by shape, so the kit needs neither driver;
 * TypeORM's QueryFailedError carries pg's error as `driverError`, and other wrappers as `cause`.
 */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
// SQLSTATE: admin_shutdown, crash_shutdown, cannot_connect_now, too_many_connections, and class 08
// (connection_exception) but for 08P01, protocol_violation, which a statement sent with the wrong
// number of parameters raises: a bug, not an outage.
const POSTGRES_UNAVAILABLE = new Set(['57P01', '57P02', '57P03', '53300', '08000', '08001', '08003', '08004', '08006', '08007']);
// MongoDB server codes of a primary stepping down or shutting down mid-operation (NotWritablePrimary,
// PrimarySteppedDown, ShutdownInProgress, InterruptedAtShutdown, InterruptedDueToReplStateChange,
// NotPrimaryNoSecondaryOk, NotPrimaryOrSecondary), and the driver's labels for the same.
const MONGO_FAILOVER_CODES = new Set([10107, 189, 91, 11600, 11602, 13435, 13436]);
const MONGO_RETRY_LABELS = ['RetryableWriteError', 'TransientTransactionError', 'ResetPool'];
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
  errorLabels?: unknown;
  message?: unknown;
  cause?: unknown;
  driverError?: unknown;
}

export function isStoreUnreachable(err: unknown): boolean {
  let current = err as ErrorShape | undefined;
  for (let depth = 0; current && typeof current === 'object' && depth < 5; depth++) {
    const { name, code, message, errorLabels } = current;
    if (typeof name === 'string' && MONGO_UNREACHABLE.has(name)) return true;
    if (typeof name === 'string' && name.startsWith('Mongo')) {
      if (typeof code === 'number' && MONGO_FAILOVER_CODES.has(code)) return true;
      if (Array.isArray(errorLabels) && errorLabels.some((label) => MONGO_RETRY_LABELS.includes(label as string))) return true;
    }
    if (typeof code === 'string' && (NETWORK_CODES.has(code) || POSTGRES_UNAVAILABLE.has(code))) return true;
    if (typeof message === 'string' && PG_CONNECTION_LOST.test(message)) return true;
    current = (current.driverError ?? current.cause) as ErrorShape | undefined;
  }
  return false;
}
