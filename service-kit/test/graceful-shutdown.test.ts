import path from 'node:path';
import axios from 'axios';
import { eventually, spawnService, type ServiceProcess } from '../src/testing';

const fixture = path.join(__dirname, 'fixtures/slow-service.js');

/** The fixture as a real process, once it has printed the port it listens on. */
async function start(env: Record<string, string> = {}): Promise<ServiceProcess & { port: number }> {
  const service = spawnService(fixture, env);
  let port = 0;
  await eventually(() => {
    port = Number(/listening (\d+)/.exec(service.output())?.[1] ?? 0);
    expect(port).toBeGreaterThan(0);
  }, 10_000);
  return { ...service, port };
}

/** Resolves once the fixture has printed that a request reached its handler. */
const requestStarted = (output: () => string) => eventually(() => expect(output()).toContain('request started'), 10_000);

describe('graceful shutdown of a real process', () => {
  it('on SIGTERM finishes the request in flight, refuses new ones, closes connections and exits 0', async () => {
    const { child, port, output, exited } = await start();
    const inFlight = axios.get(`http://127.0.0.1:${port}/api/slow?ms=1500`);
    await requestStarted(output);
    child.kill('SIGTERM');
    // Within the in-flight request's 1.5 s, while the process still runs: its listener is closed, not gone.
    await eventually(() => expect(axios.get(`http://127.0.0.1:${port}/healthz`, { timeout: 200 })).rejects.toMatchObject({ code: 'ECONNREFUSED' }), 1000);
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(res.data).toEqual({ done: true });
    expect(await exited).toBe(0);
    expect(output()).toContain('connections closed');
  });

  it('cuts requests that outlast the drain bound and still exits 0', async () => {
    const { child, port, output, exited } = await start({ DRAIN_MS: '200' });
    const inFlight = axios.get(`http://127.0.0.1:${port}/api/slow?ms=5000`).catch((err) => err);
    await requestStarted(output);
    const started = Date.now();
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(Date.now() - started).toBeLessThan(3000);
    expect((await inFlight).code).toBe('ECONNRESET');
  });

  it('exits 1 when shutdown overruns its overall timeout', async () => {
    const { child, port, output, exited } = await start({ DRAIN_MS: '5000', SHUTDOWN_TIMEOUT_MS: '300' });
    void axios.get(`http://127.0.0.1:${port}/api/slow?ms=5000`).catch(() => undefined);
    await requestStarted(output);
    child.kill('SIGINT');
    expect(await exited).toBe(1);
  });
});
