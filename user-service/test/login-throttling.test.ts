import { LoginAttemptRepository } from '../src/data-access/login-attempt.repository';
import { startUserService, signUp, uniqueEmail, type RunningUserService } from './support/user-service-harness';

let svc: RunningUserService;
let replica: RunningUserService;
let shortWindow: RunningUserService;
let smallAccountLimit: RunningUserService;
beforeAll(async () => {
  svc = await startUserService({ prefix: 'users_login' });
  replica = await startUserService({ replicaOf: svc });
  shortWindow = await startUserService({ prefix: 'users_login_window', policy: { loginWindowSeconds: 5 } });
  smallAccountLimit = await startUserService({ prefix: 'users_login_account', policy: { maxAccountLoginAttempts: 7 } });
});
afterAll(async () => {
  await replica?.close();
  await svc?.close();
  await shortWindow?.close();
  await smallAccountLimit?.close();
});

/** A sign-in from `address` as the ingress reports it (the last X-Forwarded-For entry is the one it adds). */
const loginFrom = (service: RunningUserService, address: string, body: object, spoofed?: string) =>
  service.api.post('/api/users/login', body, { headers: { 'X-Forwarded-For': spoofed ? `${spoofed}, ${address}` : address } });

describe('POST /api/users/login', () => {
  it('answers 200 with exactly {accessToken, refreshToken, tokenType: "Bearer", expiresIn}', async () => {
    const { email, password, user } = await signUp(svc.api, 'login');
    const res = await svc.api.post('/api/users/login', { email: email.toUpperCase(), password });
    expect(res.status).toBe(200);
    expect(Object.keys(res.data).sort()).toEqual(['accessToken', 'expiresIn', 'refreshToken', 'tokenType']);
    expect(res.data.tokenType).toBe('Bearer');
    expect(res.data.expiresIn).toBe(900);
    expect(res.data.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const me = await svc.api.get('/api/users/me', { headers: { Authorization: `Bearer ${res.data.accessToken}` } });
    expect(me.data.id).toBe(user.id);
  });

  it.each(['/api/users/LOGIN', '/api/users/login/', '/API/users/login'])(
    'is reached only at its path as written, not at %s (the ingress rate-limits that exact path)',
    async (path) => {
      const { email, password } = await signUp(svc.api, 'exactpath');
      const res = await svc.api.post(path, { email, password });
      expect(res.status).toBe(404);
      expect(res.data.error.code).toBe('NOT_FOUND');
    },
  );

  it('carries iss, aud, sub, role, iat, exp (15 minutes) and jti in an HS256 access token', async () => {
    const { tokens, user } = await signUp(svc.api, 'claims');
    const [header, payload] = tokens.accessToken.split('.').slice(0, 2).map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()));
    expect(header.alg).toBe('HS256');
    expect(payload).toMatchObject({ iss: 'user-service', aud: 'ecommerce', sub: user.id, role: 'customer' });
    expect(payload.exp - payload.iat).toBe(900);
    expect(typeof payload.jti).toBe('string');
  });

  it('gives the same 401 INVALID_CREDENTIALS body for an unknown email and for a wrong password', async () => {
    const { email } = await signUp(svc.api, 'wrongpw');
    const wrongPassword = await svc.api.post('/api/users/login', { email, password: 'not the password' });
    const unknownEmail = await svc.api.post('/api/users/login', { email: uniqueEmail('ghost'), password: 'not the password' });
    expect(wrongPassword.status).toBe(401);
    expect(unknownEmail.status).toBe(401);
    expect(wrongPassword.data).toEqual(unknownEmail.data);
    expect(wrongPassword.data.error.code).toBe('INVALID_CREDENTIALS');
    expect([wrongPassword.headers['www-authenticate'], unknownEmail.headers['www-authenticate']]).toEqual(['Bearer', 'Bearer']);
  });

  it('answers 400 VALIDATION_FAILED when the email or password is missing', async () => {
    const res = await svc.api.post('/api/users/login', { email: 'someone@example.com' });
    expect(res.status).toBe(400);
    expect(res.data.error.code).toBe('VALIDATION_FAILED');
    expect(res.data.error.details[0].field).toBe('password');
  });

  it('answers 400, not 500, for an email that lower-casing makes too long to store', async () => {
    // 'İ' lower-cases to two characters: 128 of them pass a raw length check of 254 and become 256.
    const res = await svc.api.post('/api/users/login', { email: `${'İ'.repeat(128)}@x.io`, password: 'whatever' });
    expect(res.status).toBe(400);
    expect(res.data.error).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'email' }] });
  });
});

describe('failed-login throttling', () => {
  it('answers 429 TOO_MANY_ATTEMPTS with Retry-After after 5 failures, even for the right password', async () => {
    const { email, password } = await signUp(svc.api, 'throttled');
    for (let i = 0; i < 5; i++) expect((await svc.api.post('/api/users/login', { email, password: `wrong-${i}` })).status).toBe(401);
    const blocked = await svc.api.post('/api/users/login', { email, password });
    expect(blocked.status).toBe(429);
    expect(blocked.data.error.code).toBe('TOO_MANY_ATTEMPTS');
    const retryAfter = Number(blocked.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(800);
    expect(retryAfter).toBeLessThanOrEqual(900);
  });

  it('throttles unknown emails the same way, with the same answers', async () => {
    const email = uniqueEmail('nobody');
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push(await svc.api.post('/api/users/login', { email, password: 'whatever-it-is' }));
    expect(answers.map((a) => a.status)).toEqual([401, 401, 401, 401, 401, 429]);
    expect(answers[5].data.error.code).toBe('TOO_MANY_ATTEMPTS');
    expect(answers[5].headers['retry-after']).toBeDefined();
  });

  it('counts failures across replicas sharing the database', async () => {
    const { email, password } = await signUp(svc.api, 'replicas');
    for (let i = 0; i < 5; i++) {
      const instance = i % 2 ? replica : svc;
      expect((await instance.api.post('/api/users/login', { email, password: 'wrong password' })).status).toBe(401);
    }
    expect((await replica.api.post('/api/users/login', { email, password })).status).toBe(429);
    expect((await svc.api.post('/api/users/login', { email, password })).status).toBe(429);
  });

  it('lets no more than 5 password checks through when 20 wrong attempts arrive at once', async () => {
    const { email } = await signUp(svc.api, 'burst');
    const results = await Promise.all(Array.from({ length: 20 }, () => svc.api.post('/api/users/login', { email, password: 'wrong password' })));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(15);
  });

  it('forgets earlier failures after a successful login', async () => {
    const { email, password } = await signUp(svc.api, 'reset');
    for (let i = 0; i < 4; i++) expect((await svc.api.post('/api/users/login', { email, password: 'wrong password' })).status).toBe(401);
    expect((await svc.api.post('/api/users/login', { email, password })).status).toBe(200);
    for (let i = 0; i < 4; i++) expect((await svc.api.post('/api/users/login', { email, password: 'wrong password' })).status).toBe(401);
    expect((await svc.api.post('/api/users/login', { email, password })).status).toBe(200);
  });

  it("does not lock the owner out: another address's failures leave the owner's sign-in alone", async () => {
    const { email, password } = await signUp(svc.api, 'stranger');
    for (let i = 0; i < 5; i++) expect((await loginFrom(svc, '203.0.113.7', { email, password: `guess-${i}` })).status).toBe(401);
    expect((await loginFrom(svc, '203.0.113.7', { email, password })).status).toBe(429);
    expect((await loginFrom(svc, '198.51.100.20', { email, password })).status).toBe(200);
    // The owner's success does not clear the stranger's count.
    expect((await loginFrom(svc, '203.0.113.7', { email, password })).status).toBe(429);
  });

  it('counts by the address the ingress added, whatever the client wrote before it in X-Forwarded-For', async () => {
    const { email, password } = await signUp(svc.api, 'spoofer');
    for (let i = 0; i < 5; i++) {
      expect((await loginFrom(svc, '203.0.113.8', { email, password: `guess-${i}` }, `10.0.0.${i}`)).status).toBe(401);
    }
    expect((await loginFrom(svc, '203.0.113.8', { email, password }, '10.0.0.99')).status).toBe(429);
  });

  it('caps the attempts on one account from all addresses together, counting only those each address was allowed', async () => {
    const { email, password } = await signUp(smallAccountLimit.api, 'spread');
    // 5 checked and 3 refused from the first address: only the 5 count for the account (limit 7).
    const first = [];
    for (let i = 0; i < 8; i++) first.push((await loginFrom(smallAccountLimit, '203.0.113.1', { email, password: `guess-${i}` })).status);
    expect(first).toEqual([401, 401, 401, 401, 401, 429, 429, 429]);
    expect((await loginFrom(smallAccountLimit, '203.0.113.2', { email, password: 'guess-8' })).status).toBe(401);
    expect((await loginFrom(smallAccountLimit, '203.0.113.3', { email, password: 'guess-9' })).status).toBe(401);
    const blocked = await loginFrom(smallAccountLimit, '203.0.113.4', { email, password });
    expect(blocked.status).toBe(429);
    expect(blocked.data.error.code).toBe('TOO_MANY_ATTEMPTS');
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(800);
    // The owner's tries while the account is capped are taken back from the owner's own count,
    // so they cannot keep the owner out after the account's window has passed.
    for (let i = 0; i < 3; i++) expect((await loginFrom(smallAccountLimit, '203.0.113.4', { email, password })).status).toBe(429);
    const [{ attempts }] = await smallAccountLimit.dataSource.query(
      'SELECT attempts FROM login_attempts_by_client WHERE email = $1 AND client = $2', [email.toLowerCase(), '203.0.113.4'],
    );
    expect(attempts).toBe(0);
  });

  it("takes an attempt back only from the window that counted it, never from a later one", async () => {
    const attempts = new LoginAttemptRepository(svc.dataSource);
    const email = uniqueEmail('windows');
    const counted = await attempts.recordAttempt(email, '203.0.113.30', 900);
    // A new window begins (the old one passed) before the take-back arrives.
    await svc.dataSource.query(`UPDATE login_attempts_by_client SET window_started_at = now() + interval '1 second' WHERE email = $1`, [email]);
    await attempts.forgetAttempt(email, '203.0.113.30', counted.window);
    const read = () => svc.dataSource.query('SELECT attempts FROM login_attempts_by_client WHERE email = $1', [email]);
    expect(await read()).toEqual([{ attempts: 1 }]);
    await svc.dataSource.query(`UPDATE login_attempts_by_client SET window_started_at = $2::timestamptz WHERE email = $1`, [email, counted.window]);
    await attempts.forgetAttempt(email, '203.0.113.30', counted.window);
    expect(await read()).toEqual([{ attempts: 0 }]);
  });

  it("clears the account's count and the address's on a successful sign-in, and no other address's", async () => {
    const { email, password } = await signUp(svc.api, 'cleared');
    for (let i = 0; i < 3; i++) expect((await loginFrom(svc, '203.0.113.40', { email, password: `guess-${i}` })).status).toBe(401);
    expect((await loginFrom(svc, '203.0.113.41', { email, password: 'guess' })).status).toBe(401);
    expect((await loginFrom(svc, '203.0.113.40', { email, password })).status).toBe(200);
    expect(await svc.dataSource.query('SELECT 1 FROM login_attempts WHERE email = $1', [email.toLowerCase()])).toHaveLength(0);
    expect(await svc.dataSource.query('SELECT client, attempts FROM login_attempts_by_client WHERE email = $1', [email.toLowerCase()])).toEqual([
      { client: '203.0.113.41', attempts: 1 },
    ]);
  });

  it('counts an IPv6 client by its /64, so rotating through its addresses does not reset the count', async () => {
    const { email, password } = await signUp(svc.api, 'ipv6');
    for (let i = 0; i < 5; i++) expect((await loginFrom(svc, `2001:db8:7:7::${i + 1}`, { email, password: `guess-${i}` })).status).toBe(401);
    expect((await loginFrom(svc, '2001:db8:7:7:ffff::99', { email, password })).status).toBe(429);
    expect((await loginFrom(svc, '2001:db8:7:8::1', { email, password })).status).toBe(200);
  });

  it('lets the account sign in again once the window has passed', async () => {
    const { email, password } = await signUp(shortWindow.api, 'window');
    // A window of 5 s holds five failed Argon2 checks even on a busy machine.
    for (let i = 0; i < 5; i++) expect((await shortWindow.api.post('/api/users/login', { email, password: 'wrong password' })).status).toBe(401);
    const blocked = await shortWindow.api.post('/api/users/login', { email, password });
    expect(blocked.status).toBe(429);
    const retryAfter = Number(blocked.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(5);
    await new Promise((resolve) => setTimeout(resolve, retryAfter * 1000 + 100));
    expect((await shortWindow.api.post('/api/users/login', { email, password })).status).toBe(200);
  });
});
