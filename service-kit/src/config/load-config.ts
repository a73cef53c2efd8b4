import { z } from 'zod';

const MAX_DURATION_MS = 365 * 24 * 3_600_000;

/** Thrown by parseConfig; loadConfig turns it into one line on stderr and exit code 1. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

export function parseConfig<S extends z.ZodObject>(schema: S, env: Env = process.env): z.infer<S> {
  // Only the variables the schema names are read, so stray environment never leaks in.
  const picked: Env = {};
  for (const key of Object.keys(schema.shape)) picked[key] = env[key] === '' ? undefined : env[key];
  const result = schema.safeParse(picked);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = issue.path.join('.') || '(environment)';
    const missing = picked[String(issue.path[0])] === undefined;
    return missing ? `${name} is required` : `${name} is invalid: ${issue.message}`;
  });
  throw new ConfigError(problems);
}

/** Parse the environment or stop the process with one clear line naming each bad variable. */
export function loadConfig<S extends z.ZodObject>(schema: S, env: Env = process.env): z.infer<S> {
  try {
    return parseConfig(schema, env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
}

/** The names of the variables a config schema reads, for the chart's env-parity test. */
export const configKeys = (schema: z.ZodObject): string[] => Object.keys(schema.shape).sort();

/** Building blocks shared by every service's schema. */
const secret = (minLength: number) => z.string().min(minLength, `must be at least ${minLength} characters`);

export const env = {
  port: (fallback?: number) => {
    const base = z.coerce.number().int().min(1).max(65535);
    return fallback === undefined ? base : base.default(fallback);
  },
  url: (protocols: string[]) =>
    z.string().refine(
      (value) => {
        try {
          return protocols.includes(new URL(value).protocol.replace(/:$/, ''));
        } catch {
          return false;
        }
      },
      { message: `must be a ${protocols.join(' or ')} URL` },
    ),
  secret,
  /**
   * A secret sent as an HTTP header value: printable ASCII without spaces. Node trims the spaces
   * around a header value it receives, and a line break is dropped (axios) or refused (Node) on the
   * way out, so the token compared would not be the one configured and every call would fail at
   * run time (a Secret made from a file often ends in a newline).
   */
  headerSecret: (minLength: number) =>
    secret(minLength).regex(/^[\x21-\x7e]*$/, 'must be printable ASCII with no spaces or line breaks (it is sent as an HTTP header)'),
  logLevel: () => z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** `90s`, `30m`, `1h`, `500ms`, or a bare number of seconds; parsed to milliseconds. */
  duration: (fallback: string) =>
    z
      .string()
      .default(fallback)
      .transform((value, ctx) => {
        const match = /^(\d+)(ms|s|m|h)?$/.exec(value.trim());
        if (!match || Number(match[1]) <= 0) {
          ctx.addIssue({ code: 'custom', message: 'must be a positive duration such as 90s, 30m or 1h' });
          return z.NEVER;
        }
        const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(match[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
        const ms = Number(match[1]) * unit;
        // Beyond a year a timeout or interval is a typo; far beyond, dates made from it leave PostgreSQL's range.
        if (ms > MAX_DURATION_MS) {
          ctx.addIssue({ code: 'custom', message: 'must be at most a year (8760h)' });
          return z.NEVER;
        }
        return ms;
      }),
};

/** The variables every HTTP service reads. */
export const commonConfig = (ports: { port: number; internalPort: number }) => ({
  PORT: env.port(ports.port),
  INTERNAL_PORT: env.port(ports.internalPort),
  LOG_LEVEL: env.logLevel(),
  INTERNAL_API_TOKEN: env.headerSecret(16),
});
