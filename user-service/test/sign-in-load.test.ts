import { AppError } from '@ecommerce/service-kit';
import { PasswordHasher } from '../src/domain/password-hasher';
import { signUp, startUserService, type RunningUserService } from './support/user-service-harness';

describe('PasswordHasher.admit', () => {
  it('refuses work beyond its bound at once with 503 and Retry-After, and admits again once a slot is free', async () => {
    const hasher = new PasswordHasher({ maxInFlight: 2 });
    const gates: (() => void)[] = [];
    const held = () => hasher.admit(() => new Promise<void>((resolve) => gates.push(resolve)));
    const first = held();
    const second = held();
    const refused = await hasher.admit(async () => 'ran').catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE', headers: { 'Retry-After': '1' } });
    gates.shift()!();
    await first;
    expect(await hasher.admit(async () => 'ran')).toBe('ran');
    gates.shift()!();
    await second;
  });

  it('frees the slot of work that failed', async () => {
    const hasher = new PasswordHasher({ maxInFlight: 1 });
    await expect(hasher.admit(() => Promise.reject(new Error('database gone')))).rejects.toThrow('database gone');
    expect(await hasher.admit(async () => 'ran')).toBe('ran');
  });
});

describe('sign-ins beyond what one replica can hash at once', () => {
  let svc: RunningUserService;
  beforeAll(async () => {
    svc = await startUserService({ prefix: 'users_load', passwords: new PasswordHasher({ maxInFlight: 1 }) });
  });
  afterAll(() => svc?.close());

  it('are refused with 503 SERVICE_UNAVAILABLE and Retry-After while the others are served, without counting as attempts', async () => {
    // Five at most: even if all five were checked one after another, none would reach the limit's 429.
    const { email } = await signUp(svc.api, 'flood');
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => svc.api.post('/api/users/login', { email, password: 'a wrong password' })),
    );
    const statuses = answers.map((answer) => answer.status);
    expect(statuses).toContain(503);
    expect(statuses).toContain(401);
    expect(statuses.every((status) => status === 401 || status === 503)).toBe(true);
    const refused = answers.find((answer) => answer.status === 503)!;
    expect(refused.headers['retry-after']).toBe('1');
    expect(refused.data).toEqual({ error: { code: 'SERVICE_UNAVAILABLE', message: 'Too many sign-ins and sign-ups at once, try again shortly' } });
    // Only the checked ones count towards the account's limit of failed sign-ins.
    const [{ attempts }] = await svc.dataSource.query('SELECT attempts FROM login_attempts WHERE email = $1', [email]);
    expect(attempts).toBe(statuses.filter((status) => status === 401).length);
  });
});
