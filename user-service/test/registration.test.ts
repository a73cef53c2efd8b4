import { captureLogger } from '@ecommerce/service-kit/testing';
import { startUserService, uniqueEmail, type RunningUserService } from './support/user-service-harness';

const { logger, lines } = captureLogger('user-service');
let svc: RunningUserService;
beforeAll(async () => {
  svc = await startUserService({ prefix: 'users_register', logger });
});
afterAll(() => svc?.close());

const register = (body: unknown) => svc.api.post('/api/users/register', body);

describe('POST /api/users/register', () => {
  it('creates a customer and answers exactly {id, email, name, role, createdAt}', async () => {
    const email = uniqueEmail('new');
    const res = await register({ email, password: 'long enough', name: 'Alice' });
    expect(res.status).toBe(201);
    expect(Object.keys(res.data).sort()).toEqual(['createdAt', 'email', 'id', 'name', 'role']);
    expect(res.data).toMatchObject({ email, name: 'Alice', role: 'customer' });
    expect(res.data.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Date(res.data.createdAt).toISOString()).toBe(res.data.createdAt);
  });

  it('ignores a role (and id) in the body: the account is always a customer', async () => {
    const res = await register({ email: uniqueEmail('sneaky'), password: 'long enough', name: 'Mallory', role: 'admin', id: '00000000-0000-4000-8000-000000000000' });
    expect(res.status).toBe(201);
    expect(res.data.role).toBe('customer');
    expect(res.data.id).not.toBe('00000000-0000-4000-8000-000000000000');
    const [row] = await svc.dataSource.query('SELECT role FROM users WHERE id = $1', [res.data.id]);
    expect(row.role).toBe('customer');
  });

  it('answers 409 EMAIL_TAKEN for an address already registered, whatever its case and surrounding spaces', async () => {
    const email = uniqueEmail('Dup');
    expect((await register({ email, password: 'long enough', name: 'First' })).status).toBe(201);
    const again = await register({ email: `  ${email.toUpperCase()} `, password: 'another one', name: 'Second' });
    expect(again.status).toBe(409);
    expect(again.data.error.code).toBe('EMAIL_TAKEN');
  });

  it('stores the email normalised (trimmed, lower case)', async () => {
    const email = uniqueEmail('MixedCase');
    const res = await register({ email: ` ${email.replace('mixedcase', 'MixedCase')} `, password: 'long enough', name: 'Mixed' });
    expect(res.status).toBe(201);
    expect(res.data.email).toBe(email.toLowerCase());
  });

  it('gives exactly one 201 and nine 409s when ten registrations of one email race', async () => {
    const email = uniqueEmail('race');
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => register({ email: i % 2 ? email.toUpperCase() : email, password: `password-${i}`, name: `Racer ${i}` })),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([201, ...Array(9).fill(409)]);
    for (const r of results.filter((x) => x.status === 409)) expect(r.data.error.code).toBe('EMAIL_TAKEN');
    const [{ count }] = await svc.dataSource.query('SELECT count(*)::int AS count FROM users WHERE email = $1', [email]);
    expect(count).toBe(1);
  });

  it.each([
    ['a password shorter than 8 characters', { email: 'short@example.com', password: 'seven77', name: 'Shorty' }, 'password'],
    ['a password longer than 128 characters', { email: 'long@example.com', password: 'x'.repeat(129), name: 'Longy' }, 'password'],
    ['an invalid email', { email: 'not-an-email', password: 'long enough', name: 'Nobody' }, 'email'],
    ['a missing name', { email: 'noname@example.com', password: 'long enough' }, 'name'],
    ['a blank name', { email: 'blank@example.com', password: 'long enough', name: '   ' }, 'name'],
    ['a non-string password', { email: 'num@example.com', password: 12345678, name: 'Num' }, 'password'],
  ])('answers 400 VALIDATION_FAILED naming the field for %s', async (_case, body, field) => {
    const res = await register(body);
    expect(res.status).toBe(400);
    expect(res.data.error.code).toBe('VALIDATION_FAILED');
    expect(res.data.error.details.map((d: { field: string }) => d.field)).toContain(field);
  });

  it('answers 400 MALFORMED_JSON for a body that is not JSON', async () => {
    const res = await svc.api.post('/api/users/register', '{"email": "a@b.co", ', { headers: { 'Content-Type': 'application/json' } });
    expect(res.status).toBe(400);
    expect(res.data.error.code).toBe('MALFORMED_JSON');
  });

  it('answers 413 PAYLOAD_TOO_LARGE for a body over the limit', async () => {
    const res = await register({ email: uniqueEmail('big'), password: 'long enough', name: 'Big', filler: 'x'.repeat(200_000) });
    expect(res.status).toBe(413);
    expect(res.data.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('keeps only an Argon2id hash, and never logs the password or the hash', async () => {
    const email = uniqueEmail('secret');
    const password = 'a-very-distinctive-password';
    expect((await register({ email, password, name: 'Secretive' })).status).toBe(201);
    expect((await svc.api.post('/api/users/login', { email, password })).status).toBe(200);
    const [row] = await svc.dataSource.query('SELECT password_hash FROM users WHERE email = $1', [email]);
    expect(row.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
    expect(lines().some((line) => line.path === '/api/users/login')).toBe(true); // the log did see these requests
    const logged = JSON.stringify(lines());
    expect(logged).not.toContain(password);
    expect(logged).not.toContain(row.password_hash);
    expect(logged).not.toContain('$argon2');
  });
});

describe('a failed write of a user', () => {
  it('answers 500 and logs the error without the password hash or the failing row', async () => {
    // A constraint only this test has: PostgreSQL refuses the row and echoes it (hash included) in `detail`.
    await svc.dataSource.query(`ALTER TABLE users ADD CONSTRAINT test_refuse_name CHECK (name <> 'Refused')`);
    try {
      const email = uniqueEmail('refused');
      const res = await register({ email, password: 'long enough', name: 'Refused' });
      expect(res.status).toBe(500);
      const logged = lines().filter((line) => line.level === 'error');
      expect(JSON.stringify(logged)).toContain('test_refuse_name'); // the error was logged, with what a diagnosis needs
      expect(JSON.stringify(logged)).not.toContain('$argon2');
      expect(JSON.stringify(logged)).not.toContain(email);
    } finally {
      await svc.dataSource.query(`ALTER TABLE users DROP CONSTRAINT test_refuse_name`);
    }
  });
});
