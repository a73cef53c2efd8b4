import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A real HTTP hop in front of a real service that answers 503 while `failing` is set, for
 * showing how the worker rides out a dependency that is briefly unavailable.
 */
export async function startFaultProxy(target: string) {
  const state = { failing: false, refused: 0 };
  const server = http.createServer((req, res) => {
    if (state.failing) {
      state.refused++;
      res.writeHead(503, { 'Content-Type': 'application/json' }).end('{"error":{"code":"SERVICE_UNAVAILABLE","message":"injected"}}');
      return;
    }
    const upstream = http.request(new URL(req.url ?? '/', target), { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    state,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
