import { createHmac, generateKeyPairSync, randomUUID } from 'node:crypto';
import { SignJWT, type JWTPayload } from 'jose';
import { INTERNAL_TOKEN, JWT_SECRET, signUp, startUserService, type RunningUserService } from './support/user-service-harness';

let svc: RunningUserService;
let customer: Awaited<ReturnType<typeof signUp>>;
beforeAll(async () => {
  svc = await startUserService({ prefix: 'users_tokens' });
  customer = await signUp(svc.api, 'holder');
});
afterAll(() => svc?.close());

const key = (secret: string) => new TextEncoder().encode(secret);
const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);

function claims(overrides: JWTPayload = {}): JWTPayload {
  return { iss: 'user-service', aud: 'ecommerce', sub: customer.user.id, role: 'customer', iat: now(), exp: now() + 900, jti: randomUUID(), ...overrides };
}

const sign = (payload: JWTPayload, options: { alg?: string; secret?: string } = {}) =>
  new SignJWT(payload).setProtectedHeader({ alg: options.alg ?? 'HS256', typ: 'JWT' }).sign(key(options.secret ?? JWT_SECRET));

/** Every way a token must be refused, each built fresh for the user signed up above. */
const badTokens: [string, () => Promise<string>][] = [
  ['signed with another key', () => sign(claims(), { secret: 'another-secret-that-is-also-32-bytes-long!!' })],
  [
    'tampered (role raised to admin, signature kept)',
    async () => {
      const [header, , signature] = customer.tokens.accessToken.split('.');
      const payload = JSON.parse(Buffer.from(customer.tokens.accessToken.split('.')[1], 'base64url').toString());
      return `${header}.${b64({ ...payload, role: 'admin' })}.${signature}`;
    },
  ],
  ['expired', () => sign(claims({ iat: now() - 1000, exp: now() - 60 }))],
  ['with alg none', async () => `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims())}.`],
  ['with alg none and a copied signature', async () => `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims())}.${customer.tokens.accessToken.split('.')[2]}`],
  [
    'signed with HS512 and the right key',
    async () => {
      const unsigned = `${b64({ alg: 'HS512', typ: 'JWT' })}.${b64(claims())}`;
      return `${unsigned}.${createHmac('sha512', JWT_SECRET).update(unsigned).digest('base64url')}`;
    },
  ],
  [
    'signed with RS256',
    () => {
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      return new SignJWT(claims()).setProtectedHeader({ alg: 'RS256' }).sign(privateKey);
    },
  ],
  ['without exp', () => sign(claims({ exp: undefined }))],
  ['from another issuer', () => sign(claims({ iss: 'someone-else' }))],
  ['for another audience', () => sign(claims({ aud: 'another-system' }))],
  ['without sub', () => sign(claims({ sub: undefined }))],
  ['for a user that does not exist', () => sign(claims({ sub: randomUUID() }))],
  ['with an unknown role', () => sign(claims({ role: 'root' }))],
  ['that is not a JWT at all', async () => 'garbage'],
];

/** internalToken null sends none. */
const verify = (token: string, internalToken: string | null = INTERNAL_TOKEN) =>
  svc.internal.post('/internal/verify', undefined, {
    headers: { Authorization: `Bearer ${token}`, ...(internalToken === null ? {} : { 'X-Internal-Token': internalToken }) },
  });

describe('access tokens that must be refused', () => {
  it('the genuine token is accepted (so the refusals below are about the token, not the setup)', async () => {
    expect((await svc.api.get('/api/users/me', { headers: { Authorization: `Bearer ${customer.tokens.accessToken}` } })).status).toBe(200);
    expect((await verify(customer.tokens.accessToken)).status).toBe(200);
    expect((await svc.api.get('/api/users/me', { headers: { Authorization: `Bearer ${await sign(claims())}` } })).status).toBe(200);
  });

  it.each(badTokens)('a token %s gets 401 UNAUTHENTICATED on /api/users/me and /internal/verify', async (_case, make) => {
    const token = await make();
    const me = await svc.api.get('/api/users/me', { headers: { Authorization: `Bearer ${token}` } });
    expect(me.status).toBe(401);
    expect(me.data.error.code).toBe('UNAUTHENTICATED');
    expect(me.headers['www-authenticate']).toBe('Bearer');
    const verified = await verify(token);
    expect(verified.status).toBe(401);
    expect(verified.data.error.code).toBe('UNAUTHENTICATED');
  });

  it('a token of a deleted user is refused', async () => {
    const doomed = await signUp(svc.api, 'doomed');
    expect((await verify(doomed.tokens.accessToken)).status).toBe(200);
    await svc.dataSource.query('DELETE FROM users WHERE id = $1', [doomed.user.id]);
    expect((await verify(doomed.tokens.accessToken)).status).toBe(401);
    expect((await svc.api.get('/api/users/me', { headers: { Authorization: `Bearer ${doomed.tokens.accessToken}` } })).status).toBe(401);
  });
});

describe('POST /internal/verify', () => {
  it('answers 200 {userId, email, role} for a valid token', async () => {
    const res = await verify(customer.tokens.accessToken);
    expect(res.status).toBe(200);
    expect(res.data).toEqual({ userId: customer.user.id, email: customer.user.email, role: 'customer' });
  });

  it('answers 401 without the internal token or with a wrong one, even for a valid access token', async () => {
    const missing = await verify(customer.tokens.accessToken, null);
    expect(missing.status).toBe(401);
    expect(missing.data.error.code).toBe('INTERNAL_TOKEN_INVALID');
    expect((await verify(customer.tokens.accessToken, 'wrong-internal-token')).status).toBe(401);
  });

  it('answers 401 without an Authorization header', async () => {
    const res = await svc.internal.post('/internal/verify', undefined, { headers: { 'X-Internal-Token': INTERNAL_TOKEN } });
    expect(res.status).toBe(401);
  });

  it('is not served on the public port', async () => {
    const res = await svc.api.post('/internal/verify', undefined, {
      headers: { Authorization: `Bearer ${customer.tokens.accessToken}`, 'X-Internal-Token': INTERNAL_TOKEN },
    });
    expect(res.status).toBe(404);
  });

  it('and the public API is not served on the internal port', async () => {
    const res = await svc.internal.get('/api/users/me', {
      headers: { Authorization: `Bearer ${customer.tokens.accessToken}`, 'X-Internal-Token': INTERNAL_TOKEN },
    });
    expect(res.status).toBe(404);
  });
});
