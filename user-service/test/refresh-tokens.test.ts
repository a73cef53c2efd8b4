import { bearer, startUserService, signUp, type RunningUserService } from './support/user-service-harness';

let svc: RunningUserService;
let shortLived: RunningUserService;
beforeAll(async () => {
  svc = await startUserService({ prefix: 'users_refresh' });
  shortLived = await startUserService({ replicaOf: svc, policy: { refreshTokenTtlSeconds: 1 } });
});
afterAll(async () => {
  await shortLived?.close();
  await svc?.close();
});

const refresh = (refreshToken: string, on = svc) => on.api.post('/api/users/token/refresh', { refreshToken });
const logout = (refreshToken: string) => svc.api.post('/api/users/logout', { refreshToken });

describe('POST /api/users/token/refresh', () => {
  it('returns a new pair in the login shape; the new access token works and the old refresh token is dead', async () => {
    const { tokens, user } = await signUp(svc.api, 'rotate');
    const first = await refresh(tokens.refreshToken);
    expect(first.status).toBe(200);
    expect(Object.keys(first.data).sort()).toEqual(['accessToken', 'expiresIn', 'refreshToken', 'tokenType']);
    expect(first.data).toMatchObject({ tokenType: 'Bearer', expiresIn: 900 });
    expect(first.data.refreshToken).not.toBe(tokens.refreshToken);
    expect((await svc.api.get('/api/users/me', bearer(first.data.accessToken))).data.id).toBe(user.id);

    const second = await refresh(first.data.refreshToken);
    expect(second.status).toBe(200);
    expect(second.data.refreshToken).not.toBe(first.data.refreshToken);
  });

  it('answers 401 to reuse of a rotated token and revokes the whole family, including the newest token', async () => {
    const { tokens } = await signUp(svc.api, 'reuse');
    const rotated = await refresh(tokens.refreshToken);
    expect(rotated.status).toBe(200);

    const reuse = await refresh(tokens.refreshToken);
    expect(reuse.status).toBe(401);
    expect(reuse.data.error.code).toBe('UNAUTHENTICATED');
    // The thief's replay killed the legitimate holder's newer token too.
    expect((await refresh(rotated.data.refreshToken)).status).toBe(401);
  });

  it('leaves the user’s other sign-ins alone when one family is revoked', async () => {
    const { tokens, email, password } = await signUp(svc.api, 'families');
    const otherDevice = (await svc.api.post('/api/users/login', { email, password })).data;
    await refresh(tokens.refreshToken);
    expect((await refresh(tokens.refreshToken)).status).toBe(401);
    expect((await refresh(otherDevice.refreshToken)).status).toBe(200);
  });

  it('never yields two valid pairs when one token is presented several times at once', async () => {
    const { tokens } = await signUp(svc.api, 'double');
    const results = await Promise.all(Array.from({ length: 5 }, () => refresh(tokens.refreshToken)));
    const winners = results.filter((r) => r.status === 200);
    expect(winners).toHaveLength(1);
    expect(results.filter((r) => r.status === 401)).toHaveLength(results.length - winners.length);
    // The concurrent replays count as reuse: the pair that was issued is revoked with its family.
    expect((await refresh(winners[0].data.refreshToken)).status).toBe(401);
  });

  it('answers 401 for an unknown token and 400 for a missing one', async () => {
    const unknown = await refresh('this-token-was-never-issued-by-anyone');
    expect(unknown.status).toBe(401);
    const missing = await svc.api.post('/api/users/token/refresh', {});
    expect(missing.status).toBe(400);
    expect(missing.data.error.details[0].field).toBe('refreshToken');
  });

  it('answers 401 once the refresh token has expired', async () => {
    const { email, password } = await signUp(svc.api, 'expiry');
    // The control: a token of the same 1 s lifetime works while it lives.
    const fresh = await shortLived.api.post('/api/users/login', { email, password });
    expect((await refresh(fresh.data.refreshToken)).status).toBe(200);
    const login = await shortLived.api.post('/api/users/login', { email, password });
    expect(login.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect((await refresh(login.data.refreshToken)).status).toBe(401);
  });

  it('stores only a SHA-256 of each refresh token', async () => {
    const { tokens } = await signUp(svc.api, 'hashed');
    const rows = await svc.dataSource.query('SELECT token_hash FROM refresh_tokens WHERE token_hash = encode(sha256($1::bytea), $2)', [
      tokens.refreshToken,
      'hex',
    ]);
    expect(rows).toHaveLength(1);
    const leaked = await svc.dataSource.query('SELECT count(*)::int AS n FROM refresh_tokens WHERE token_hash = $1', [tokens.refreshToken]);
    expect(leaked[0].n).toBe(0);
  });
});

describe('POST /api/users/logout', () => {
  it('answers 204 and the refresh token no longer works', async () => {
    const { tokens } = await signUp(svc.api, 'logout');
    const res = await logout(tokens.refreshToken);
    expect(res.status).toBe(204);
    expect(res.data).toBe('');
    expect((await refresh(tokens.refreshToken)).status).toBe(401);
  });

  it('also ends the tokens rotated from the same sign-in', async () => {
    const { tokens } = await signUp(svc.api, 'logoutfamily');
    const rotated = (await refresh(tokens.refreshToken)).data;
    expect((await logout(rotated.refreshToken)).status).toBe(204);
    expect((await refresh(rotated.refreshToken)).status).toBe(401);
  });

  it('leaves no working refresh token when a logout overlaps a refresh of the same sign-in', async () => {
    const { email, password } = await signUp(svc.api, 'logoutrace');
    const signIns: string[] = [];
    for (let i = 0; i < 12; i++) signIns.push((await svc.api.post('/api/users/login', { email, password })).data.refreshToken);
    const raced = await Promise.all(signIns.map(async (token) => Promise.all([refresh(token), logout(token)])));
    for (const [refreshed, loggedOut] of raced) {
      expect(loggedOut.status).toBe(204);
      // Whichever went first, the sign-in is over: a token the refresh handed out must not work.
      if (refreshed.status === 200) expect((await refresh(refreshed.data.refreshToken)).status).toBe(401);
      else expect(refreshed.status).toBe(401);
    }
  });

  it('answers 204 for an unknown token too, revealing nothing', async () => {
    expect((await logout('never-issued-token-value')).status).toBe(204);
  });

  it('answers 400 without a refresh token', async () => {
    expect((await svc.api.post('/api/users/logout', {})).status).toBe(400);
  });
});

describe('purging expired sessions', () => {
  it('deletes expired refresh tokens and finished throttling windows', async () => {
    const { tokens } = await signUp(svc.api, 'purged');
    const tokenHash = `encode(sha256($1::bytea), 'hex')`;
    await svc.dataSource.query(`UPDATE refresh_tokens SET expires_at = now() - interval '1 second' WHERE token_hash = ${tokenHash}`, [tokens.refreshToken]);
    await svc.dataSource.query(`INSERT INTO login_attempts (email, attempts, window_started_at) VALUES ('old@example.com', 3, now() - interval '1 hour')`);
    await svc.dataSource.query(
      `INSERT INTO login_attempts_by_client (email, client, attempts, window_started_at) VALUES ('old@example.com', '203.0.113.1', 3, now() - interval '1 hour')`,
    );
    const purged = await svc.sessions.purgeExpired();
    expect(purged.refreshTokens).toBeGreaterThanOrEqual(1);
    expect(await svc.dataSource.query(`SELECT 1 FROM refresh_tokens WHERE token_hash = ${tokenHash}`, [tokens.refreshToken])).toHaveLength(0);
    expect(purged.loginAttempts).toBeGreaterThanOrEqual(2);
    for (const table of ['login_attempts', 'login_attempts_by_client']) {
      expect(await svc.dataSource.query(`SELECT 1 FROM ${table} WHERE email = 'old@example.com'`)).toHaveLength(0);
    }
    const [{ n }] = await svc.dataSource.query(`SELECT count(*)::int AS n FROM refresh_tokens WHERE expires_at <= now()`);
    expect(n).toBe(0);
  });
});
