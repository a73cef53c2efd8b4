import { randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Writable } from 'node:stream';
import type Koa from 'koa';
import { createLogger, type Logger } from '../logging/logger';
import { listen, type Listener } from '../http/listen';

export const testRabbitUrl = () => process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
export const testMongoUrl = () => process.env.MONGODB_URL ?? 'mongodb://127.0.0.1:27017';

/** Serves a Koa app on an ephemeral loopback port. */
export async function startTestServer(app: Koa): Promise<Listener & { url: string }> {
  const listener = await listen(app, 0, '127.0.0.1');
  return { ...listener, url: `http://127.0.0.1:${listener.port}` };
}

/** A logger whose lines are kept in memory, for asserting what was (and was not) logged. */
export function captureLogger(service = 'test'): { logger: Logger; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, callback) {
      chunks.push(String(chunk));
      callback();
    },
  });
  const logger = createLogger({ service, level: 'debug', destination: sink });
  const lines = () =>
    chunks
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { logger, lines };
}

export const silentLogger = (): Logger => createLogger({ service: 'test', level: 'silent' });

/** Polls until the check passes or the time is up (then rethrows its last failure). */
export async function eventually<T>(check: () => Promise<T> | T, timeoutMs = 10_000, intervalMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }
}

/**
 * Closes a named client connection from RabbitMQ's side (as a broker restart or network cut
 * would), through rabbitmqctl on this machine. Resolves the number of connections closed.
 * Asynchronous on purpose: a blocked event loop would hold back acks the client already sent.
 */
export async function dropRabbitConnection(connectionName: string): Promise<number> {
  const pids = await rabbitConnectionInfo(connectionName, 'pid');
  for (const pid of pids) await promisify(execFile)('rabbitmqctl', ['close_connection', pid, 'closed by a test', '-q']);
  return pids.length;
}

/** One column of `rabbitmqctl list_connections` (pid, timeout…) for each connection of this client-given name. */
export async function rabbitConnectionInfo(connectionName: string, column: string): Promise<string[]> {
  // The table form prints full pids (<rabbit@host.N.N.N>), which close_connection accepts; the JSON form does not.
  const { stdout } = await promisify(execFile)('rabbitmqctl', ['list_connections', column, 'client_properties', '-q', '--no-table-headers'], { encoding: 'utf8' });
  const marker = `{"connection_name","${connectionName}"}`;
  return stdout.split('\n').filter((line) => line.includes(marker)).map((line) => line.split('\t')[0]);
}

/**
 * A RabbitMQ virtual host of its own for one test file, so suites that use the production
 * exchange and queue names cannot see each other's messages. delete() removes it and all in it.
 */
export async function createTestVhost(prefix: string): Promise<{ url: string; name: string; delete(): Promise<void> }> {
  const run = promisify(execFile);
  const name = `${prefix}-${randomBytes(4).toString('hex')}`;
  await run('rabbitmqctl', ['add_vhost', name, '-q']);
  await run('rabbitmqctl', ['set_permissions', '-p', name, 'guest', '.*', '.*', '.*', '-q']);
  const url = new URL(testRabbitUrl());
  url.pathname = `/${encodeURIComponent(name)}`;
  return { url: url.toString(), name, delete: async () => { await run('rabbitmqctl', ['delete_vhost', name, '-q']); } };
}

/**
 * In a /metrics text (Prometheus exposition), the sum of the series of `name` that carry every
 * given label: a counter's total, or one slice of it.
 */
export function metricValue(text: string, name: string, labels: Record<string, string> = {}): number {
  const carries = Object.entries(labels).map(([key, value]) => `${key}=${JSON.stringify(value)}`);
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
    .filter((line) => {
      const set = line.slice(name.length + 1, line.lastIndexOf('}')).split(',');
      return carries.every((pair) => set.includes(pair));
    })
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}
