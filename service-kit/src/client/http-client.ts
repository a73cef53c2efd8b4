import http from 'node:http';
import https from 'node:https';
import axios, { AxiosError, type AxiosInstance } from 'axios';
import { REQUEST_ID_HEADER, currentRequestId } from '../logging/request-context';
import { INTERNAL_TOKEN_HEADER, INTERNAL_TOKEN_INVALID } from '../http/middleware/internal-token.middleware';

export interface ServiceClientOptions {
  /** Base URL of the callee's internal port, e.g. http://user-service:4001. */
  baseURL: string;
  /** Whole-request timeout; a call that takes longer fails as transient. */
  timeoutMs?: number;
  internalToken?: string;
  /** Identifies the caller in the callee's logs. */
  userAgent?: string;
  maxSockets?: number;
  /**
   * How long a keep-alive socket may sit unused before it is closed here. Kept under the callee's
   * own 65 s (listen.ts), so a request never goes out on a socket the callee is closing (ECONNRESET).
   */
  idleSocketTimeoutMs?: number;
}

/**
 * axios for service-to-service calls: pooled keep-alive sockets, a timeout on every call, the
 * current request id and the internal token on every request.
 */
export function createServiceClient(options: ServiceClientOptions): AxiosInstance {
  const agentOptions = { keepAlive: true, maxSockets: options.maxSockets ?? 64, timeout: options.idleSocketTimeoutMs ?? 30_000 };
  const client = axios.create({
    baseURL: options.baseURL,
    timeout: options.timeoutMs ?? 5000,
    httpAgent: new http.Agent(agentOptions),
    httpsAgent: new https.Agent(agentOptions),
    headers: { 'User-Agent': options.userAgent ?? 'ecommerce-service', Accept: 'application/json' },
    maxRedirects: 0,
  });
  client.interceptors.request.use((config) => {
    const requestId = currentRequestId();
    if (requestId) config.headers.set(REQUEST_ID_HEADER, requestId);
    if (options.internalToken) config.headers.set(INTERNAL_TOKEN_HEADER, options.internalToken);
    return config;
  });
  return client;
}

export const httpStatusOf = (err: unknown): number | undefined =>
  err instanceof AxiosError ? err.response?.status : undefined;

export const errorCodeOf = (err: unknown): string | undefined => {
  if (!(err instanceof AxiosError)) return undefined;
  const body = err.response?.data as { error?: { code?: unknown } } | undefined;
  return typeof body?.error?.code === 'string' ? body.error.code : undefined;
};

/**
 * The callee refused this service's internal token: not the request's fault but the deployment's
 * (tokens that differ, as while a new one is rolled out), so it is handled like an outage.
 */
export const isInternalTokenRefused = (err: unknown): boolean =>
  httpStatusOf(err) === 401 && errorCodeOf(err) === INTERNAL_TOKEN_INVALID;

/** Worth retrying: no answer at all (refused, reset, timed out), a 5xx, a 429, or a refused internal token. */
export function isTransientHttpError(err: unknown): boolean {
  if (!(err instanceof AxiosError)) return false;
  if (!err.response) return true;
  return err.response.status >= 500 || err.response.status === 429 || isInternalTokenRefused(err);
}
