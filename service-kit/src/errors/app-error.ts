/** One failure a client may see: an HTTP status, a stable UPPER_SNAKE code and a sentence. */
export interface ErrorDetail {
  field?: string;
  message: string;
  [key: string]: unknown;
}

export class AppError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details?: ErrorDetail[];
  /** Extra response headers, e.g. Retry-After on 429. */
  readonly headers?: Record<string, string>;

  constructor(
    status: number,
    code: string,
    message: string,
    options: { details?: ErrorDetail[]; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.status = status;
    this.code = code;
    this.details = options.details;
    this.headers = options.headers;
  }
}

export const badRequest = (message: string, details?: ErrorDetail[]) =>
  new AppError(400, 'VALIDATION_FAILED', message, { details });
/** RFC 9110 asks every 401 to name the scheme that would work: a Bearer access token, here. */
export const BEARER_CHALLENGE = { 'WWW-Authenticate': 'Bearer' } as const;
export const unauthenticated = (message = 'Authentication is required') =>
  new AppError(401, 'UNAUTHENTICATED', message, { headers: BEARER_CHALLENGE });
export const forbidden = (message = 'You are not allowed to do this') =>
  new AppError(403, 'FORBIDDEN', message);
export const notFound = (message = 'Not found') => new AppError(404, 'NOT_FOUND', message);
export const unsupportedMediaType = () => new AppError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json');
export const conflict = (code: string, message: string) => new AppError(409, code, message);
/** Something this request needs is away for now: a 503 with the seconds after which to try again. */
export const serviceUnavailable = (message: string, options: { cause?: unknown; retryAfterSeconds?: number } = {}) =>
  new AppError(503, 'SERVICE_UNAVAILABLE', message, { cause: options.cause, headers: { 'Retry-After': String(options.retryAfterSeconds ?? 1) } });
