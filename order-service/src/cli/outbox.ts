/**
 * Outbox tool for operators, shipped in the image:
 *   kubectl -n <ns> exec deploy/<fullname>-order-service -- node dist/cli/outbox.js <command>
 * It reads only DATABASE_URL.
 */
import { loadConfig } from '@ecommerce/service-kit';
import { configSchema } from '../config';
import { createDataSource } from '../data-access/data-source';
import { OutboxRepository } from '../data-access/outbox.repository';

const USAGE = `usage: node dist/cli/outbox.js <command>
  status                    pending events, how many failed their last attempt, age of the oldest
  list-failed [--limit N]   pending events whose last publish failed: id, type, attempts, next attempt, error
  retry <eventId>           make that pending event due now, with its attempt count reset
  retry --all               the same for every pending event`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const age = (since: Date, now = Date.now()): string => {
  const s = Math.max(0, Math.round((now - since.getTime()) / 1000));
  return s < 120 ? `${s}s` : s < 7200 ? `${Math.round(s / 60)}m` : `${Math.round(s / 3600)}h`;
};

/** Runs one command; resolves the exit code (0 done, 1 nothing matched, 2 usage). */
export async function runOutboxCommand(args: string[], outbox: OutboxRepository, out: (line: string) => void): Promise<number> {
  const [command, arg, value] = args;
  if (command === 'status') {
    const stats = await outbox.stats();
    out(`pending: ${stats.pending}`);
    out(`failing: ${stats.failing}`);
    out(`oldest pending: ${stats.oldestPendingAt ? `${stats.oldestPendingAt.toISOString()} (${age(stats.oldestPendingAt)} ago)` : '-'}`);
    return 0;
  }
  if (command === 'list-failed') {
    const limit = arg === '--limit' ? Number(value) : 100;
    if (!Number.isInteger(limit) || limit < 1) { out(USAGE); return 2; }
    const rows = await outbox.listFailed(limit);
    out(`${rows.length} failed event(s)`);
    for (const r of rows) {
      out([r.id, r.routingKey, `attempts=${r.attempts}`, `created=${r.createdAt.toISOString()}`, `next=${r.nextAttemptAt.toISOString()}`, r.lastError ?? ''].join('  '));
    }
    return 0;
  }
  if (command === 'retry' && (arg === '--all' || (arg && UUID.test(arg)))) {
    const count = await outbox.retry(arg === '--all' ? undefined : arg);
    out(`${count} event(s) due now`);
    return count === 0 && arg !== '--all' ? 1 : 0;
  }
  out(USAGE);
  return 2;
}

if (require.main === module) {
  const { DATABASE_URL } = loadConfig(configSchema.pick({ DATABASE_URL: true }));
  const dataSource = createDataSource(DATABASE_URL, 2);
  const write = (line: string) => process.stdout.write(`${line}\n`);
  dataSource
    .initialize()
    .then(() => runOutboxCommand(process.argv.slice(2), new OutboxRepository(dataSource), write))
    .then(
      async (code) => {
        await dataSource.destroy();
        process.exit(code);
      },
      (err: unknown) => {
        process.stderr.write(`outbox: ${(err as Error).message}\n`);
        process.exit(1);
      },
    );
}
