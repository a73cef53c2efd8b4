import axios from 'axios';
import { Lifecycle } from '@ecommerce/service-kit';
import { silentLogger, startTestServer } from '@ecommerce/service-kit/testing';
import { createUserServiceApp } from '../src/app';
import { createDataSource } from '../src/data-access/data-source';
import { INTERNAL_TOKEN, JWT_SECRET } from './support/user-service-harness';

const PUBLIC_ROUTES = [
  ['post', '/api/users/register'],
  ['post', '/api/users/login'],
  ['post', '/api/users/token/refresh'],
  ['post', '/api/users/logout'],
  ['get', '/api/users/me'],
  ['patch', '/api/users/me'],
  ['get', '/api/users'],
  ['patch', '/api/users/{id}/role'],
];

describe('GET /openapi.json', () => {
  it('describes every public route (and nothing internal), with bodies and responses', async () => {
    const logger = silentLogger();
    const app = createUserServiceApp({
      config: { JWT_SECRET, INTERNAL_API_TOKEN: INTERNAL_TOKEN },
      logger,
      lifecycle: new Lifecycle(logger),
      // The document needs no database: a data source that never connects will do.
      dataSource: createDataSource('postgres://nobody@127.0.0.1:1/none'),
      isStarted: () => true,
    });
    const server = await startTestServer(app.publicApp);
    try {
      const { status, data: doc } = await axios.get(`${server.url}/openapi.json`, { validateStatus: () => true });
      expect(status).toBe(200);
      expect(doc.openapi).toBe('3.0.3');
      const documented = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([p, ops]) =>
        Object.keys(ops).map((method) => [method, p]),
      );
      expect(documented.sort()).toEqual([...PUBLIC_ROUTES].sort());
      const register = doc.paths['/api/users/register'].post;
      expect(Object.keys(register.requestBody.content['application/json'].schema.properties).sort()).toEqual(['email', 'name', 'password']);
      expect(Object.keys(register.responses)).toEqual(expect.arrayContaining(['201', '400', '409']));
      expect(doc.paths['/api/users/login'].post.responses).toHaveProperty('429');
      expect(doc.paths['/api/users'].get.security).toEqual([{ bearer: [] }]);
      expect(doc.paths['/api/users/{id}/role'].patch.parameters[0]).toMatchObject({ name: 'id', in: 'path' });
    } finally {
      await server.close(100);
    }
  });
});
