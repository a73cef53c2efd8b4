import type { Logger } from 'pino';

export interface RetryOptions {
  /** Named in the log lines, e.g. "PostgreSQL". */
  what: string;
  logger: Logger;
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** Stop retrying (and reject) once aborted, e.g. by shutdown. */
  signal?: AbortSignal;
}

/**
 * Runs fn until it succeeds, waiting longer after each failure (with jitter). Services use it to
 * wait for their database at start-up instead of crash-looping while it comes up.
 */
export async function retryWithBackoff<T>(fn: () => Promise<T>, options: RetryOptions): Promise<T> {
  const initial = options.initialDelayMs ?? 500;
  const max = options.maxDelayMs ?? 10_000;
  for (let attempt = 0; ; attempt++) {
    if (options.signal?.aborted) throw new Error(`gave up connecting to ${options.what}: shutting down`);
    try {
      return await fn();
    } catch (err) {
      const delay = Math.round(Math.min(max, initial * 2 ** attempt) * (0.5 + Math.random() / 2));
      options.logger.warn({ err: (err as Error).message, attempt, retryInMs: delay }, `${options.what} unavailable, retrying`);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
