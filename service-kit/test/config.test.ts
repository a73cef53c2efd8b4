import { z } from 'zod';
import { ConfigError, configKeys, env, loadConfig, parseConfig } from '../src';

const schema = z.object({
  PORT: env.port(3001),
  DATABASE_URL: env.url(['postgres', 'postgresql']),
  JWT_SECRET: env.secret(32),
  LOG_LEVEL: env.logLevel(),
});

describe('configuration from the environment', () => {
  it('parses valid variables and applies defaults', () => {
    const config = parseConfig(schema, { DATABASE_URL: 'postgres://db/users', JWT_SECRET: 'x'.repeat(32) });
    expect(config).toEqual({ PORT: 3001, DATABASE_URL: 'postgres://db/users', JWT_SECRET: 'x'.repeat(32), LOG_LEVEL: 'info' });
  });

  it('names a missing variable', () => {
    expect(() => parseConfig(schema, { JWT_SECRET: 'x'.repeat(32) })).toThrow('DATABASE_URL is required');
  });

  it('treats an empty variable as missing', () => {
    expect(() => parseConfig(schema, { DATABASE_URL: '', JWT_SECRET: 'x'.repeat(32) })).toThrow('DATABASE_URL is required');
  });

  it('names each invalid variable and why, without echoing its value', () => {
    const secret = 'short-secret';
    let error: ConfigError | undefined;
    try {
      parseConfig(schema, { PORT: '99999', DATABASE_URL: 'mysql://db', JWT_SECRET: secret });
    } catch (err) {
      error = err as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error!.problems).toEqual([
      expect.stringMatching(/^PORT is invalid/),
      'DATABASE_URL is invalid: must be a postgres or postgresql URL',
      'JWT_SECRET is invalid: must be at least 32 characters',
    ]);
    expect(error!.message).not.toContain(secret);
  });

  it('refuses a header secret with spaces or a line break, which would fail every call at run time', () => {
    const tokens = z.object({ INTERNAL_API_TOKEN: env.headerSecret(16) });
    expect(parseConfig(tokens, { INTERNAL_API_TOKEN: 'a'.repeat(16) })).toEqual({ INTERNAL_API_TOKEN: 'a'.repeat(16) });
    for (const value of [`${'a'.repeat(16)}\n`, `${'a'.repeat(16)} `, `aaaaaaaa aaaaaaaa`]) {
      expect(() => parseConfig(tokens, { INTERNAL_API_TOKEN: value })).toThrow(/INTERNAL_API_TOKEN is invalid: must be printable ASCII/);
    }
  });

  it('ignores variables the schema does not name', () => {
    const config = parseConfig(schema, { DATABASE_URL: 'postgres://db/u', JWT_SECRET: 'x'.repeat(32), EXTRA: '1' });
    expect(config).not.toHaveProperty('EXTRA');
  });

  it('lists the variables a schema reads', () => {
    expect(configKeys(schema)).toEqual(['DATABASE_URL', 'JWT_SECRET', 'LOG_LEVEL', 'PORT']);
  });

  it('stops the process with exit code 1 and one line on stderr', () => {
    const exit = jest.spyOn(process, 'exit').mockImplementation(((code: number) => {
      throw new Error(`exit ${code}`);
    }) as never);
    const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(() => loadConfig(schema, {})).toThrow('exit 1');
      expect(write).toHaveBeenCalledTimes(1);
      const line = String(write.mock.calls[0][0]);
      expect(line).toBe('invalid configuration: DATABASE_URL is required; JWT_SECRET is required\n');
    } finally {
      exit.mockRestore();
      write.mockRestore();
    }
  });
});

describe('durations in the environment', () => {
  const durations = z.object({ TIMEOUT: env.duration('30m') });
  it.each([
    [undefined, 1_800_000],
    ['90s', 90_000],
    ['45', 45_000],
    ['1h', 3_600_000],
    ['250ms', 250],
    ['8760h', 31_536_000_000],
  ])('reads %s as %d ms', (value, ms) => {
    expect(parseConfig(durations, { TIMEOUT: value }).TIMEOUT).toBe(ms);
  });
  it.each(['soon', '-5m', '0', '1.5h', '8761h', '9'.repeat(400)])('refuses %s', (value) => {
    expect(() => parseConfig(durations, { TIMEOUT: value })).toThrow('TIMEOUT is invalid');
  });
});
