/**
 * Dead-letter queue tool for operators, shipped in the image:
 *   kubectl -n <ns> exec deploy/<fullname>-integration-service -- node dist/cli/dlq.js <command>
 */
import { z } from 'zod';
import { env, loadConfig } from '@ecommerce/service-kit';
import { DeadLetterTool, REPLAY_LIMIT } from '../entry-points/messaging/dead-letter-tool';
import { DEFAULT_TOPOLOGY, type WorkerTopology } from '../entry-points/messaging/order-events.topology';

const USAGE = `usage: node dist/cli/dlq.js <command>
  count                  how many messages wait in the dead-letter queue
  list [--limit N]       one line per message: id, type, order, reason, attempts, failed at, error
  show <messageId>       headers and body of one message, as JSON
  replay <messageId>     put that message back on the work queue (attempts reset) and remove it here
  replay --all           the same for every message`;

export interface DlqCommandOptions {
  topology?: WorkerTopology;
  /** Messages one replay reads at most. */
  replayLimit?: number;
}

export async function runDlqCommand(
  args: string[],
  url: string,
  out: (line: string) => void,
  { topology = DEFAULT_TOPOLOGY, replayLimit = REPLAY_LIMIT }: DlqCommandOptions = {},
): Promise<number> {
  const [command, arg, value] = args;
  if (!command || !['count', 'list', 'show', 'replay'].includes(command)) {
    out(USAGE);
    return 2;
  }
  const tool = await DeadLetterTool.connect(url, topology);
  try {
    if (command === 'count') {
      out(String(await tool.count()));
    } else if (command === 'list') {
      const limit = arg === '--limit' ? Number(value) : 1000;
      const letters = await tool.list(limit > 0 ? limit : 1000);
      out(`${letters.length} message(s)`);
      for (const d of letters) {
        out([d.messageId, d.type, `order=${d.orderId}`, `reason=${d.reason}`, `attempts=${d.attempts}`, d.failedAt, d.error].join('  '));
      }
    } else if (command === 'show') {
      if (!arg) { out(USAGE); return 2; }
      const letter = await tool.show(arg);
      if (!letter) { out(`no message ${arg} in the dead-letter queue`); return 1; }
      out(JSON.stringify(letter, null, 2));
    } else {
      if (!arg) { out(USAGE); return 2; }
      const replayed = await tool.replay((d) => arg === '--all' || d.messageId === arg, replayLimit);
      out(`replayed ${replayed.length} message(s)${replayed.length ? `: ${replayed.join(', ')}` : ''}`);
      // One run reads at most replayLimit messages: say what is left rather than look drained.
      const left = arg === '--all' ? await tool.count() : 0;
      if (left) out(`${left} message(s) still in the dead-letter queue (a run replays at most ${replayLimit}); run replay --all again`);
      if (!replayed.length && arg !== '--all') return 1;
    }
    return 0;
  } finally {
    await tool.close();
  }
}

if (require.main === module) {
  const { RABBITMQ_URL } = loadConfig(z.object({ RABBITMQ_URL: env.url(['amqp', 'amqps']) }));
  runDlqCommand(process.argv.slice(2), RABBITMQ_URL, (line) => process.stdout.write(`${line}\n`)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`dlq: ${(err as Error).message}\n`);
      process.exit(1);
    },
  );
}
