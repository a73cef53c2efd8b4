import { randomUUID } from 'node:crypto';
import { UserRepository } from '../src/data-access/user.repository';
import { ADMIN, INTERNAL_TOKEN, bearer, signInAsAdmin, signUp, startUserService, type RunningUserService } from './support/user-service-harness';

let svc: RunningUserService;
let adminToken: string;
beforeAll(async () => {
  svc = await startUserService({ prefix: 'users_admin' });
  adminToken = await signInAsAdmin(svc.api);
});
afterAll(() => svc?.close());

describe('GET and PATCH /api/users/me', () => {
  it('returns the signed-in user without the password hash', async () => {
    const { tokens, user } = await signUp(svc.api, 'me');
    const res = await svc.api.get('/api/users/me', bearer(tokens.accessToken));
    expect(res.status).toBe(200);
    expect(res.data).toEqual(user);
  });

  it('changes the name only: role, email and id in the body change nothing', async () => {
    const { tokens, user } = await signUp(svc.api, 'massassign');
    const res = await svc.api.patch(
      '/api/users/me',
      { name: '  New Name ', role: 'admin', email: 'hijack@example.com', id: randomUUID(), createdAt: '2000-01-01T00:00:00.000Z' },
      bearer(tokens.accessToken),
    );
    expect(res.status).toBe(200);
    expect(res.data).toEqual({ ...user, name: 'New Name' });
    const again = await svc.api.get('/api/users/me', bearer(tokens.accessToken));
    expect(again.data).toEqual({ ...user, name: 'New Name' });
    const [row] = await svc.dataSource.query('SELECT role, email FROM users WHERE id = $1', [user.id]);
    expect(row).toEqual({ role: 'customer', email: user.email });
  });

  it('answers 400 for a blank name', async () => {
    const { tokens } = await signUp(svc.api, 'blankname');
    const res = await svc.api.patch('/api/users/me', { name: '' }, bearer(tokens.accessToken));
    expect(res.status).toBe(400);
    expect(res.data.error.details[0].field).toBe('name');
  });

  it('answers 401 UNAUTHENTICATED without a token or with a malformed header', async () => {
    for (const headers of [{}, { Authorization: 'Basic abc' }, { Authorization: 'Bearer' }, { Authorization: 'Bearer not.a.jwt' }]) {
      const get = await svc.api.get('/api/users/me', { headers });
      expect(get.status).toBe(401);
      expect(get.data.error.code).toBe('UNAUTHENTICATED');
      expect((await svc.api.patch('/api/users/me', { name: 'x' }, { headers })).status).toBe(401);
    }
  });
});

describe('GET /api/users (admin)', () => {
  it('pages through users with {items, page, limit, total}', async () => {
    for (let i = 0; i < 3; i++) await signUp(svc.api, `listed${i}`);
    const [{ total }] = await svc.dataSource.query('SELECT count(*)::int AS total FROM users');
    const first = await svc.api.get('/api/users?page=1&limit=2', bearer(adminToken));
    expect(first.status).toBe(200);
    expect(first.data).toMatchObject({ page: 1, limit: 2, total });
    expect(first.data.items).toHaveLength(2);
    expect(first.data.items[0].email).toBe(ADMIN.email.toLowerCase());
    expect(Object.keys(first.data.items[0]).sort()).toEqual(['createdAt', 'email', 'id', 'name', 'role']);
    const second = await svc.api.get('/api/users?page=2&limit=2', bearer(adminToken));
    const all = await svc.api.get('/api/users?limit=100', bearer(adminToken));
    expect(all.data.items).toHaveLength(total);
    expect(all.data.page).toBe(1);
    const ids = (items: { id: string }[]) => items.map((u) => u.id);
    expect(ids(first.data.items)).toEqual(ids(all.data.items.slice(0, 2)));
    expect(ids(second.data.items)).toEqual(ids(all.data.items.slice(2, 4)));
  });

  it('answers 400 for a limit over 100 or a page below 1', async () => {
    expect((await svc.api.get('/api/users?limit=101', bearer(adminToken))).status).toBe(400);
    expect((await svc.api.get('/api/users?page=0', bearer(adminToken))).status).toBe(400);
  });

  it('answers 403 FORBIDDEN to a customer and 401 without a token', async () => {
    const { tokens } = await signUp(svc.api, 'nosy');
    const res = await svc.api.get('/api/users', bearer(tokens.accessToken));
    expect(res.status).toBe(403);
    expect(res.data.error.code).toBe('FORBIDDEN');
    expect((await svc.api.get('/api/users')).status).toBe(401);
  });
});

describe('PATCH /api/users/:id/role (admin)', () => {
  it('promotes a customer, who then gets admin access with the same token', async () => {
    const { tokens, user } = await signUp(svc.api, 'promoted');
    const res = await svc.api.patch(`/api/users/${user.id}/role`, { role: 'admin' }, bearer(adminToken));
    expect(res.status).toBe(200);
    expect(res.data).toEqual({ ...user, role: 'admin' });
    // The token's role claim is stale; the service goes by the stored role.
    expect((await svc.api.get('/api/users', bearer(tokens.accessToken))).status).toBe(200);
    await svc.api.patch(`/api/users/${user.id}/role`, { role: 'customer' }, bearer(adminToken));
    expect((await svc.api.get('/api/users', bearer(tokens.accessToken))).status).toBe(403);
  });

  it('is reflected by /internal/verify at once', async () => {
    const { tokens, user } = await signUp(svc.api, 'verifyrole');
    const verify = () =>
      svc.internal.post('/internal/verify', undefined, { headers: { Authorization: `Bearer ${tokens.accessToken}`, 'X-Internal-Token': INTERNAL_TOKEN } });
    expect((await verify()).data).toEqual({ userId: user.id, email: user.email, role: 'customer' });
    await svc.api.patch(`/api/users/${user.id}/role`, { role: 'admin' }, bearer(adminToken));
    expect((await verify()).data.role).toBe('admin');
  });

  it.each([
    ['a role that does not exist', (id: string) => [`/api/users/${id}/role`, { role: 'superuser' }], 'role'],
    ['a missing role', (id: string) => [`/api/users/${id}/role`, {}], 'role'],
    ['an id that is not a UUID', () => ['/api/users/12345/role', { role: 'admin' }], 'id'],
  ])('answers 400 VALIDATION_FAILED for %s', async (_case, request, field) => {
    const { user } = await signUp(svc.api, 'badrole');
    const [url, body] = request(user.id) as [string, object];
    const res = await svc.api.patch(url, body, bearer(adminToken));
    expect(res.status).toBe(400);
    expect(res.data.error.code).toBe('VALIDATION_FAILED');
    expect(res.data.error.details.map((d: { field: string }) => d.field)).toContain(field);
  });

  it('answers 404 NOT_FOUND for an unknown user', async () => {
    const res = await svc.api.patch(`/api/users/${randomUUID()}/role`, { role: 'admin' }, bearer(adminToken));
    expect(res.status).toBe(404);
    expect(res.data.error.code).toBe('NOT_FOUND');
  });

  it('answers 403 to a customer, even for their own account', async () => {
    const { tokens, user } = await signUp(svc.api, 'selfpromote');
    const res = await svc.api.patch(`/api/users/${user.id}/role`, { role: 'admin' }, bearer(tokens.accessToken));
    expect(res.status).toBe(403);
    expect(res.data.error.code).toBe('FORBIDDEN');
    const [row] = await svc.dataSource.query('SELECT role FROM users WHERE id = $1', [user.id]);
    expect(row.role).toBe('customer');
  });

  it('refuses with 409 LAST_ADMIN to demote the only admin, and keeps one when two admins demote each other at once', async () => {
    const adminId = (await svc.api.get('/api/users/me', bearer(adminToken))).data.id;
    await svc.dataSource.query(`UPDATE users SET role = 'customer' WHERE role = 'admin' AND id <> $1`, [adminId]);
    const alone = await svc.api.patch(`/api/users/${adminId}/role`, { role: 'customer' }, bearer(adminToken));
    expect(alone.status).toBe(409);
    expect(alone.data.error.code).toBe('LAST_ADMIN');

    const { tokens, user } = await signUp(svc.api, 'secondadmin');
    expect((await svc.api.patch(`/api/users/${user.id}/role`, { role: 'admin' }, bearer(adminToken))).status).toBe(200);
    const [a, b] = await Promise.all([
      svc.api.patch(`/api/users/${user.id}/role`, { role: 'customer' }, bearer(adminToken)),
      svc.api.patch(`/api/users/${adminId}/role`, { role: 'customer' }, bearer(tokens.accessToken)),
    ]);
    // The loser gets 409 LAST_ADMIN, or 403 when the winner's change landed before its own sign-in check.
    const [won, lost] = [a.status, b.status].sort();
    expect(won).toBe(200);
    expect([403, 409]).toContain(lost);
    const [{ admins }] = await svc.dataSource.query(`SELECT count(*)::int AS admins FROM users WHERE role = 'admin'`);
    expect(admins).toBe(1);
    // Put the first admin back in charge for the other tests.
    if (b.status === 200) await svc.api.patch(`/api/users/${adminId}/role`, { role: 'admin' }, bearer(tokens.accessToken));
  });

  it('lets exactly one of two concurrent demotions of the last two admins through (data-access level)', async () => {
    const users = new UserRepository(svc.dataSource);
    const adminId = (await svc.api.get('/api/users/me', bearer(adminToken))).data.id;
    const { user } = await signUp(svc.api, 'racingadmin');
    await svc.dataSource.query(`UPDATE users SET role = 'customer' WHERE role = 'admin' AND id <> $1`, [adminId]);
    await svc.dataSource.query(`UPDATE users SET role = 'admin' WHERE id = $1`, [user.id]);
    const outcomes = await Promise.all([users.changeRole(user.id, 'customer'), users.changeRole(adminId, 'customer')]);
    expect(outcomes.filter((o) => o === 'last-admin')).toHaveLength(1);
    expect(outcomes.find((o) => o !== 'last-admin')).toMatchObject({ role: 'customer' });
    const [{ admins }] = await svc.dataSource.query(`SELECT count(*)::int AS admins FROM users WHERE role = 'admin'`);
    expect(admins).toBe(1);
    await svc.dataSource.query(`UPDATE users SET role = 'admin' WHERE id = $1`, [adminId]);
  });
});
