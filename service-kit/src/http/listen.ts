import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type Koa from 'koa';

/** Longer than the NGINX ingress upstream keep-alive (60 s), so the proxy never reuses a socket we just closed. */
const KEEP_ALIVE_TIMEOUT_MS = 65_000;

export interface Listener {
  server: http.Server;
  port: number;
  /** Stop accepting, let in-flight requests finish for up to graceMs, then cut what is left. */
  close(graceMs: number): Promise<void>;
}

export async function listen(app: Koa, port: number, host = '0.0.0.0'): Promise<Listener> {
  const server = http.createServer(app.callback());
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  server.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 1_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: (graceMs) =>
      new Promise<void>((resolve) => {
        const force = setTimeout(() => server.closeAllConnections(), graceMs);
        force.unref();
        // A keep-alive connection whose request finishes during the drain would otherwise stay
        // open (and hold close() back) until the grace period ends.
        const sweep = setInterval(() => server.closeIdleConnections(), 50);
        server.close(() => {
          clearTimeout(force);
          clearInterval(sweep);
          resolve();
        });
        server.closeIdleConnections();
      }),
  };
}
