import path from 'node:path';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { eventually } from '@ecommerce/service-kit/testing';
import { startOrderService, type OrderServiceHarness } from './support/order-service-harness';
import { brokerToNowhere, relayFor } from './support/relays';

const CLI = path.join(__dirname, '../dist/cli/outbox.js');

/** Runs the shipped command as an operator would (kubectl exec … node dist/cli/outbox.js …). */
function outboxCli(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH ?? '', ...env } }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

let h: OrderServiceHarness;
const exchange = 'orders.nobody-listens'; // in the harness's own vhost: no queue is bound to it
beforeAll(async () => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npx tsc -b order-service first`);
  h = await startOrderService({ name: 'cli', workers: false });
});
afterAll(() => h?.close());

describe('node dist/cli/outbox.js', () => {
  it('shows the backlog and the failed events, and retries them one by one or all at once', async () => {
    const env = { DATABASE_URL: h.db.url };
    const { authorization } = h.customer();
    const orders = [await h.pendingOrder(authorization), await h.pendingOrder(authorization)];
    for (const order of orders) expect((await h.pay(authorization, order.id)).status).toBe(200);

    const broker = await brokerToNowhere(h.rabbitUrl, `${h.brokerName}-cli`, exchange);
    try {
      // The two order.created notifications go out; the two order.paid events, which a consumer
      // must act on, are returned and stay in the outbox.
      const outcomes = await relayFor(h.dataSource, broker, { exchange }).relay.publishBatch();
      expect(outcomes.map((o) => o.published).sort()).toEqual([false, false, true, true]);
    } finally {
      await broker.close(500);
    }

    const status = await outboxCli(['status'], env);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/^pending: 2$/m);
    expect(status.stdout).toMatch(/^failing: 2$/m);
    expect(status.stdout).toMatch(/^oldest pending: \d{4}-\d\d-\d\dT[\d:.]+Z \(\d+s ago\)$/m);

    const list = await outboxCli(['list-failed'], env);
    expect(list.code).toBe(0);
    const [eventA, eventB] = (await h.dataSource.query(
      "SELECT id FROM outbox WHERE routing_key = 'order.paid' ORDER BY created_at",
    )) as { id: string }[];
    expect(list.stdout).toContain('2 failed event(s)');
    expect(list.stdout).toMatch(new RegExp(`^${eventA.id}  order.paid  attempts=1 .*UnroutableMessageError`, 'm'));

    const one = await outboxCli(['retry', eventA.id], env);
    expect(one).toMatchObject({ code: 0, stdout: '1 event(s) due now\n' });
    const [row] = await h.dataSource.query('SELECT attempts, next_attempt_at <= now() AS due FROM outbox WHERE id = $1', [eventA.id]);
    expect(row).toEqual({ attempts: 0, due: true });

    h.service.relay.start();
    await h.events.expectTypes(orders[0].id, ['order.paid']);
    // The event can reach the listener before the relay marks its row published.
    await eventually(async () => expect((await outboxCli(['status'], env)).stdout).toMatch(/^pending: 1$/m));

    expect((await outboxCli(['retry', '--all'], env)).code).toBe(0);
    await h.events.expectTypes(orders[1].id, ['order.paid']);
    await eventually(async () => expect((await outboxCli(['status'], env)).stdout).toMatch(/^pending: 0$/m));
    expect((await outboxCli(['retry', eventB.id], env)).code).toBe(1);
  });

  it('prints its usage (exit 2) for an unknown command, and names DATABASE_URL when it is missing (exit 1)', async () => {
    const usage = await outboxCli(['retry'], { DATABASE_URL: h.db.url });
    expect(usage.code).toBe(2);
    expect(usage.stdout).toContain('usage: node dist/cli/outbox.js');
    const unconfigured = await outboxCli(['status'], {});
    expect(unconfigured.code).toBe(1);
    expect(unconfigured.stderr.trim()).toBe('invalid configuration: DATABASE_URL is required');
  });
});
