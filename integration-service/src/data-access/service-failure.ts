import { errorCodeOf, httpStatusOf, isTransientHttpError } from '@ecommerce/service-kit';
import { PermanentFailure, TransientFailure } from '../domain/failures';

/** Sorts a failed call into the worker's two kinds: worth retrying, or not. */
export function classifyFailure(err: unknown, call: string): Error {
  const status = httpStatusOf(err);
  const code = errorCodeOf(err);
  const what = `${call} failed${status ? ` with ${status}${code ? ` ${code}` : ''}` : `: ${(err as Error).message}`}`;
  return isTransientHttpError(err) ? new TransientFailure(what) : new PermanentFailure(what);
}
