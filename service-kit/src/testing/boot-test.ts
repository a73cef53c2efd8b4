import net from 'node:net';
import { existsSync } from 'node:fs';
import axios from 'axios';
import { spawnService, waitForHttp } from './service-process';

/** A loopback port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
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
    beforeAll(() => {
      if (!existsSync(options.main)) throw new Error(`${options.main} is missing: run npm run build first`);
    });

    it('exits 1 with one line naming each missing variable when the environment is empty', async () => {
      const service = spawnService(options.main, {});
      const code = await new Promise<number | null>((resolve) => service.child.once('exit', resolve));
      expect(code).toBe(1);
      const lines = service.output().trim().split('\n');
      expect(lines).toHaveLength(1);
      for (const variable of options.required) expect(lines[0]).toContain(`${variable} is required`);
    });

    it('answers /healthz and /readyz with a valid environment, and exits 0 on SIGTERM', async () => {
      const port = await freePort();
      const env: Record<string, string> = { ...(await options.env()), PORT: String(port), LOG_LEVEL: 'warn' };
      if (options.internalPort) env.INTERNAL_PORT = String(await freePort());
      const service = spawnService(options.main, env);
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
