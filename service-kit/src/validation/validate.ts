import { z } from 'zod';
import { AppError, type ErrorDetail } from '../errors/app-error';

export type RequestPart = 'body' | 'query' | 'params';

function describe(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `unknown field(s): ${issue.keys.join(', ')}`;
  return issue.message;
}

/** Parse one part of a request; on failure a 400 VALIDATION_FAILED naming every bad field. */
export function validate<S extends z.ZodType>(schema: S, value: unknown, part: RequestPart): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const details: ErrorDetail[] = result.error.issues.map((issue) => ({
    field: issue.path.length ? issue.path.join('.') : part,
    in: part,
    message: describe(issue),
  }));
  throw new AppError(400, 'VALIDATION_FAILED', `The request ${part} is invalid`, { details });
}

/** Reusable pieces of request schemas. */
export const schemas = {
  paging: z.object({
    page: z.coerce.number().int().min(1).default(1),
    limit: z.coerce.number().int().min(1).max(100).default(20),
  }),
  /** A list response: `{items, page, limit, total}` of the given item. */
  page: <T extends z.ZodType>(item: T) =>
    z.object({ items: z.array(item), page: z.number().int(), limit: z.number().int(), total: z.number().int() }),
  uuid: z.uuid(),
  /** An ISO 4217 code: three capital letters. */
  currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as EUR'),
  /** Money in minor units: a non-negative whole number, never a float. */
  minorUnits: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
};

export interface Page<T> {
  items: T[];
  page: number;
  limit: number;
  total: number;
}
