import type http from 'node:http';
import Koa from 'koa';
import { createServiceClient } from '../src';
import { eventually, startTestServer } from '../src/testing';

describe('createServiceClient', () => {
  it('closes a keep-alive socket left unused past its idle timeout, before the callee would', async () => {
    const app = new Koa();
    app.use((ctx) => { ctx.body = { ok: true }; });
    const server = await startTestServer(app);
    try {
      const client = createServiceClient({ baseURL: server.url, idleSocketTimeoutMs: 300 });
      const agent = client.defaults.httpAgent as http.Agent;
      const idle = () => Object.values(agent.freeSockets).flat().length;
      expect((await client.get('/')).status).toBe(200);
      expect(idle()).toBe(1);
      await eventually(() => expect(idle()).toBe(0), 3000);
      // And a new call opens a new socket.
      expect((await client.get('/')).status).toBe(200);
    } finally {
      await server.close(100);
    }
  });
});
