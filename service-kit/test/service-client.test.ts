import type http from 'node:http';
import axios from 'axios';
import Koa from 'koa';
import { createServiceClient } from '../src';
import { captureLogger, eventually, startTestServer } from '../src/testing';

/** A callee that answers 200 at / and 404 elsewhere. */
async function callee() {
  const app = new Koa();
  app.use((ctx) => {
    if (ctx.path === '/') ctx.body = { ok: true };
  });
  return startTestServer(app);
}

describe('createServiceClient', () => {
  it('closes a keep-alive socket left unused past its idle timeout, before the callee would', async () => {
    const server = await callee();
    try {
      const client = createServiceClient({ baseURL: server.url, idleSocketTimeoutMs: 1000 });
      const agent = client.defaults.httpAgent as http.Agent;
      const idle = () => Object.values(agent.freeSockets).flat().length;
      expect((await client.get('/')).status).toBe(200);
      expect(idle()).toBe(1);
      await eventually(() => expect(idle()).toBe(0), 5000);
      // The next call opens a socket again, kept for the calls after it.
      expect((await client.get('/')).status).toBe(200);
      expect(idle()).toBe(1);
    } finally {
      await server.close(100);
    }
  });

  it('has its errors logged by method, URL and status, never with the request headers that carry the tokens', async () => {
    const server = await callee();
    try {
      const { logger, lines } = captureLogger();
      const client = createServiceClient({ baseURL: server.url, internalToken: 'internal-token-never-logged-0123' });
      const err = await client.post('/internal/verify', undefined, { headers: { Authorization: 'Bearer access-token-never-logged' } }).catch((e: unknown) => e);
      expect(axios.isAxiosError(err)).toBe(true);
      logger.error({ err }, 'call failed');
      const [line] = lines();
      expect(line.err).toMatchObject({ method: 'post', url: `${server.url}/internal/verify`, status: 404 });
      const text = JSON.stringify(line);
      expect(text).not.toContain('internal-token-never-logged');
      expect(text).not.toContain('access-token-never-logged');
    } finally {
      await server.close(100);
    }
  });
});
