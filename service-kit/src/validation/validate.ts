import { z } from 'zod';
import { badRequest, type ErrorDetail } from '../errors/app-error';

const REQUEST_PARTS = ['params', 'query', 'headers', 'body'] as const;
export type RequestPart = (typeof REQUEST_PARTS)[number];

function describe(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `unknown field(s): ${issue.keys.join(', ')}`;
  return issue.message;
}

/** Why a string cannot be stored, if it cannot. */
function unstorable(value: string): string | undefined {
  // Neither PostgreSQL text nor MongoDB's regular expressions can take U+0000, and PostgreSQL's
  // jsonb refuses a lone UTF-16 surrogate: either would come back from the database as a 500.
  if (value.includes('\u0000')) return 'must not contain the NUL character (U+0000)';
  if (!(value as string & { isWellFormed(): boolean }).isWellFormed()) return 'must not contain a lone UTF-16 surrogate';
  return undefined;
}

/** The first string that cannot be stored: its path (built only when there is one) and why. */
function unstorableAt(value: unknown): { path: PropertyKey[]; message: string } | undefined {
  if (typeof value === 'string') {
    const message = unstorable(value);
    return message ? { path: [], message } : undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = unstorableAt(value[i]);
      if (found) return { ...found, path: [i, ...found.path] };
    }
  } else if (Object.getPrototypeOf(value) === Object.prototype) {
    for (const key in value) {
      const found = unstorableAt((value as Record<string, unknown>)[key]);
      if (found) return { ...found, path: [key, ...found.path] };
    }
  }
  return undefined;
}

type Checked = { ok: true; data: unknown } | { ok: false; details: ErrorDetail[] };

const fieldOf = (path: readonly PropertyKey[], part: RequestPart) => (path.length ? path.map(String).join('.') : part);

/** One part of a request parsed, or the bad fields it has. */
function check(schema: z.ZodType, value: unknown, part: RequestPart): Checked {
  const result = schema.safeParse(value);
  if (!result.success) {
    return { ok: false, details: result.error.issues.map((issue) => ({ field: fieldOf(issue.path, part), in: part, message: describe(issue) })) };
  }
  const found = unstorableAt(result.data);
  return found ? { ok: false, details: [{ field: fieldOf(found.path, part), in: part, message: found.message }] } : { ok: true, data: result.data };
}

/**
 * Validates every part of a request that has a schema; one 400 VALIDATION_FAILED names the bad
 * fields of all of them, so a client learns everything wrong with its request in one answer.
 */
export function validateRequest(
  schemas: Partial<Record<RequestPart, z.ZodType | undefined>>,
  values: Record<RequestPart, unknown>,
): Record<RequestPart, unknown> {
  const parsed = {} as Record<RequestPart, unknown>;
  const bad: { part: RequestPart; details: ErrorDetail[] }[] = [];
  for (const part of REQUEST_PARTS) {
    const schema = schemas[part];
    if (!schema) continue;
    const checked = check(schema, values[part], part);
    if (checked.ok) parsed[part] = checked.data;
    else bad.push({ part, details: checked.details });
  }
  if (bad.length) {
    throw badRequest(bad.length === 1 ? `The request ${bad[0].part} is invalid` : 'The request is invalid', bad.flatMap((b) => b.details));
  }
  return parsed;
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
  /** An ISO 4217 code in use (ICU's list, as Intl knows it): EUR, not eur or EUS. */
  currency: z.enum(Intl.supportedValuesOf('currency') as [string, ...string[]], { error: 'must be an ISO 4217 code such as EUR' }),
  /** Money in minor units: a non-negative whole number, never a float. */
  minorUnits: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
};

export interface Page<T> {
  items: T[];
  page: number;
  limit: number;
  total: number;
}
