import pino, { type Logger, type DestinationStream } from 'pino';
import axios, { isAxiosError } from 'axios';
import { currentRequestId } from './request-context';

export type { Logger } from 'pino';

/** Never written to a log line, wherever they appear in a logged object. */
export const REDACTED_PATHS = [
  'password',
  '*.password',
  'newPassword',
  'token',
  '*.token',
  'accessToken',
  '*.accessToken',
  'refreshToken',
  '*.refreshToken',
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  'headers["x-internal-token"]',
  '*.headers["x-internal-token"]',
  'config.headers',
];

/** Fields of database errors that carry row data or bound values (a password hash, an email…). */
const DATA_BEARING_ERROR_FIELDS = ['parameters', 'detail', 'driverError', 'where'];

/**
 * An HTTP client's error carries the request it made (headers with the caller's access token and
 * the internal token, in objects and in the raw request text) and the answer: only what locates
 * the failure is kept.
 */
const HTTP_CLIENT_ERROR_FIELDS = ['config', 'request', 'response'];

/** pino's error serializer, minus what would put stored data or credentials into the log. */
function serializeError(err: Error): Record<string, unknown> {
  const out = pino.stdSerializers.err(err) as unknown as Record<string, unknown>;
  for (const field of DATA_BEARING_ERROR_FIELDS) delete out[field];
  if (isAxiosError(err)) {
    for (const field of HTTP_CLIENT_ERROR_FIELDS) delete out[field];
    Object.assign(out, { method: err.config?.method, url: err.config && axios.getUri(err.config), status: err.response?.status });
  }
  return out;
}

export interface LoggerOptions {
  service: string;
  level?: string;
  destination?: DestinationStream;
}

/** One JSON object per line: level, time (ISO), service, requestId when there is one, msg. */
export function createLogger({ service, level = 'info', destination }: LoggerOptions): Logger {
  return pino(
    {
      level,
      base: { service },
      messageKey: 'msg',
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      serializers: { err: serializeError },
      mixin: () => {
        const requestId = currentRequestId();
        return requestId ? { requestId } : {};
      },
    },
    destination,
  );
}
