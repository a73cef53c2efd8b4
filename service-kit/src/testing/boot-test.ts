import net from 'node:net';
import { existsSync, readFileSync } from 'node:fs';
import { randomInt } from 'node:crypto';
import axios from 'axios';
import { spawnService, waitForHttp } from './service-process';

/** Where the kernel picks the local ports of outgoing connections (Linux; its default elsewhere). */
function ephemeralPortFloor(): number {
  try {
    const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (Number.isInteger(low)) return low;
  } catch {
    // not Linux: its default range starts here
  }
  return 32_768;
}

const canListen = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    // All interfaces, as the services listen: a listener on any address of the port makes this fail.
    server.listen(port, '0.0.0.0', () => server.close(() => resolve(true)));
  });

const LOWEST_TEST_PORT = 10_000;

/**
 * A port nobody listens on right now, for a child process to listen on. It is drawn from below the
 * ephemeral range: a port the kernel hands out for listen(0) may meanwhile become the local port of
 * one of the many client connections parallel tests open, and the child then fails with EADDRINUSE.
 */
export async function freePort(): Promise<number> {
  const span = ephemeralPortFloor() - LOWEST_TEST_PORT;
  for (let attempt = 0; span > 0 && attempt < 100; attempt++) {
    const port = LOWEST_TEST_PORT + randomInt(span);
    if (await canListen(port)) return port;
  }
  throw new Error(`no free port between ${LOWEST_TEST_PORT} and the ephemeral range`);
}

export interface BootTestOptions {
  /** Absolute path of the compiled entry point (dist/main.js). */
  main: string;
  /** A complete, valid environment; PORT (and INTERNAL_PORT when given) are filled in by the test. */
  env: () => Promise<Record<string, string>>;
  internalPort: boolean;
  /** The variables whose absence must be named when the environment is empty. */
  required: string[];
}

/** The start-up contract every service keeps, as one shared suite. */
export function describeServiceBoot(name: string, options: BootTestOptions): void {
  describe(`${name} process start-up`, () => {
    /** The valid environment, on the given public port (and a free internal one). */
    const validEnv = async (port: number): Promise<Record<string, string>> => ({
      ...(await options.env()),
      PORT: String(port),
      LOG_LEVEL: 'warn',
      ...(options.internalPort ? { INTERNAL_PORT: String(await freePort()) } : {}),
    });
    beforeAll(() => {
      if (!existsSync(options.main)) throw new Error(`${options.main} is missing: run npm run build first`);
    });

    it('exits 1 with one line naming each missing variable when the environment is empty', async () => {
      const service = spawnService(options.main, {});
      expect(await service.exited).toBe(1);
      const lines = service.output().trim().split('\n');
      expect(lines).toHaveLength(1);
      for (const variable of options.required) expect(lines[0]).toContain(`${variable} is required`);
    });

    it('exits 1 with the failure as a JSON log line when it cannot start (its port is taken)', async () => {
      const taken = net.createServer();
      const port = await freePort();
      await new Promise<void>((resolve) => taken.listen(port, '0.0.0.0', resolve));
      try {
        const service = spawnService(options.main, await validEnv(port));
        expect(await service.exited).toBe(1);
        const lines = service.output().trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
        expect(lines.at(-1)).toMatchObject({ level: 'fatal', service: name, msg: `${name} failed to start`, err: { code: 'EADDRINUSE' } });
      } finally {
        await new Promise((resolve) => taken.close(resolve));
      }
    });

    it('answers /healthz and /readyz with a valid environment, and exits 0 on SIGTERM', async () => {
      const port = await freePort();
      const service = spawnService(options.main, await validEnv(port));
      try {
        await waitForHttp(`http://127.0.0.1:${port}/healthz`, service);
        await waitForHttp(`http://127.0.0.1:${port}/readyz`, service);
        const metrics = await axios.get(`http://127.0.0.1:${port}/metrics`);
        expect(metrics.data).toContain('http_requests_total');
      } finally {
        expect(await service.stop('SIGTERM')).toBe(0);
      }
    });
  });
}
