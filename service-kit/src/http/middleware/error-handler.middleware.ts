import type { Context, Middleware } from 'koa';
import type { Logger } from 'pino';
import { isAxiosError } from 'axios';
import { AppError, serviceUnavailable, unsupportedMediaType } from '../../errors/app-error';
import { isStoreUnreachable } from '../../errors/store-unreachable';

interface HttpLikeError {
  status?: number;
  statusCode?: number;
  expose?: boolean;
  type?: string;
  message?: string;
}

/** Errors raised by Koa, the router and the body parser, mapped to the contract's codes. */
function fromHttpError(err: HttpLikeError): AppError | undefined {
  const status = err.status ?? err.statusCode;
  if (!status || status < 400 || (status >= 500 && status !== 501)) return undefined;
  if (status === 413) return new AppError(413, 'PAYLOAD_TOO_LARGE', 'The request body is too large');
  if (status === 415) return unsupportedMediaType();
  if (status === 400) return new AppError(400, 'MALFORMED_JSON', 'The request body is not valid JSON');
  if (status === 404) return new AppError(404, 'NOT_FOUND', 'Not found');
  if (status === 405) return new AppError(405, 'METHOD_NOT_ALLOWED', 'Method not allowed');
  if (status === 501) return new AppError(501, 'NOT_IMPLEMENTED', 'Method not implemented');
  return new AppError(status, 'BAD_REQUEST', err.expose && err.message ? err.message : 'Bad request');
}

/** A database that is down or dropped the connection: the request may well work in a moment. */
const storeUnreachable = () => serviceUnavailable('A store this service needs is unreachable, try again shortly');

/**
 * The one place where errors become responses. Operational errors keep their status and code, an
 * unreachable database is a 503 to retry; anything else is a 500 whose details stay in the log,
 * never in the body.
 */
export function errorHandler(logger: Logger): Middleware {
  const respond = (ctx: Context, caught: unknown) => {
    // An HTTP client's error that escaped its caller is unexpected here: neither the status another
    // service answered nor its network error (ECONNREFUSED, …) says anything about this request.
    const err =
      caught instanceof AppError ? caught
      : isAxiosError(caught) ? undefined
      : (fromHttpError(caught as HttpLikeError) ?? (isStoreUnreachable(caught) ? storeUnreachable() : undefined));
    if (err) {
      if (err.status >= 500) logger.error({ err: caught }, err.message);
      ctx.status = err.status;
      if (err.headers) ctx.set(err.headers);
      ctx.body = { error: { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) } };
      return;
    }
    logger.error({ err: caught, method: ctx.method, path: ctx.path }, 'unhandled error');
    ctx.status = 500;
    ctx.body = { error: { code: 'INTERNAL', message: 'Internal server error' } };
  };
  // then() rather than async/await: one promise fewer per request, and each costs promise hooks.
  return function handleErrors(ctx, next) {
    return next().then(
      () => {
        // No route (404), or the router's 405 and 501, which it answers with an Allow header and no body.
        const bodiless = ctx.body === undefined && ctx.status >= 400 ? fromHttpError({ status: ctx.status }) : undefined;
        if (bodiless) respond(ctx, bodiless);
      },
      (caught: unknown) => respond(ctx, caught),
    );
  };
}
