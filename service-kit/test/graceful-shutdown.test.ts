import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import axios from 'axios';
import { eventually } from '../src/testing';

const fixture = path.join(__dirname, 'fixtures/slow-service.js');

function start(env: Record<string, string> = {}): Promise<{ child: ChildProcess; port: number; output: () => string }> {
  const child = spawn(process.execPath, [fixture], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (chunk) => { out += String(chunk); });
  child.stderr!.on('data', (chunk) => { out += String(chunk); });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`fixture did not start: ${out}`)), 10_000);
    child.stdout!.on('data', () => {
      const match = /listening (\d+)/.exec(out);
      if (match) { clearTimeout(timer); resolve({ child, port: Number(match[1]), output: () => out }); }
    });
  });
}

/** Resolves once the fixture has printed that a request reached its handler. */
const requestStarted = (output: () => string) => eventually(() => expect(output()).toContain('request started'), 10_000);

const exited = (child: ChildProcess) => new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

describe('graceful shutdown of a real process', () => {
  it('on SIGTERM finishes the request in flight, refuses new ones, closes connections and exits 0', async () => {
    const { child, port, output } = await start();
    const inFlight = axios.get(`http://127.0.0.1:${port}/api/slow?ms=1500`);
    await requestStarted(output);
    const exit = exited(child);
    child.kill('SIGTERM');
    // Within the in-flight request's 1.5 s, while the process still runs: its listener is closed, not gone.
    await eventually(() => expect(axios.get(`http://127.0.0.1:${port}/healthz`, { timeout: 200 })).rejects.toMatchObject({ code: 'ECONNREFUSED' }), 1000);
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(res.data).toEqual({ done: true });
    expect(await exit).toBe(0);
    expect(output()).toContain('connections closed');
  });

  it('cuts requests that outlast the drain bound and still exits 0', async () => {
    const { child, port, output } = await start({ DRAIN_MS: '200' });
    const inFlight = axios.get(`http://127.0.0.1:${port}/api/slow?ms=5000`).catch((err) => err);
    await requestStarted(output);
    const exit = exited(child);
    const started = Date.now();
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
    expect(Date.now() - started).toBeLessThan(3000);
    expect((await inFlight).code).toBe('ECONNRESET');
  });

  it('exits 1 when shutdown overruns its overall timeout', async () => {
    const { child, port, output } = await start({ DRAIN_MS: '5000', SHUTDOWN_TIMEOUT_MS: '300' });
    void axios.get(`http://127.0.0.1:${port}/api/slow?ms=5000`).catch(() => undefined);
    await requestStarted(output);
    const exit = exited(child);
    child.kill('SIGINT');
    expect(await exit).toBe(1);
  });
});
