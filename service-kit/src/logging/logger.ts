import pino, { type Logger, type DestinationStream } from 'pino';
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
      mixin: () => {
        const requestId = currentRequestId();
        return requestId ? { requestId } : {};
      },
    },
    destination,
  );
}
