import type { Logger } from 'pino';
import { createLogger } from '../logging/logger';

/** Listeners stop first (no new work), then workers drain, then connections close. */
const PHASES = ['listeners', 'workers', 'connections'] as const;
export type ShutdownPhase = (typeof PHASES)[number];

interface Closer {
  name: string;
  phase: ShutdownPhase;
  close: () => Promise<unknown> | unknown;
}

/**
 * Owns the shutdown order of one process. Readiness turns 503 the moment shutdown starts;
 * closers then run phase by phase, those of one phase at once.
 */
export class Lifecycle {
  private shuttingDown = false;
  private readonly closers: Closer[] = [];
  private shutdownPromise?: Promise<void>;

  constructor(private readonly logger: Logger) {}

  isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  onShutdown(name: string, phase: ShutdownPhase, close: Closer['close']): void {
    this.closers.push({ name, phase, close });
  }

  shutdown(reason: string): Promise<void> {
    this.shutdownPromise ??= this.runClosers(reason);
    return this.shutdownPromise;
  }

  private async runClosers(reason: string): Promise<void> {
    this.shuttingDown = true;
    this.logger.info({ reason }, 'shutting down');
    // Phase after phase; within one, the closers are independent (both listeners drain at once,
    // instead of the second waiting out the first's drain).
    for (const phase of PHASES) {
      await Promise.all(
        this.closers
          .filter((closer) => closer.phase === phase)
          .map(async (closer) => {
            try {
              await closer.close();
              this.logger.debug({ closer: closer.name }, 'closed');
            } catch (err) {
              this.logger.error({ err, closer: closer.name }, 'error while closing');
            }
          }),
      );
    }
    this.logger.info('shutdown complete');
  }

  /**
   * SIGTERM and SIGINT start a graceful shutdown and exit 0 once every closer has run;
   * if that takes longer than timeoutMs the process exits 1 rather than hang past the pod's grace period.
   */
  installSignalHandlers(timeoutMs: number, exit: (code: number) => void = (code) => process.exit(code)): void {
    const onSignal = (signal: NodeJS.Signals) => {
      if (this.shuttingDown) return;
      const timer = setTimeout(() => {
        this.logger.error({ timeoutMs }, 'graceful shutdown timed out');
        exit(1);
      }, timeoutMs);
      timer.unref();
      void this.shutdown(signal).then(() => {
        clearTimeout(timer);
        exit(0);
      });
    };
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
  }
}

/**
 * For `main().catch(...)`: the failure as one JSON log line, like every other line of the service,
 * then exit code 1. Configuration errors never get here: loadConfig has already stopped the
 * process with one line naming each bad variable.
 */
export function exitOnStartFailure(service: string): (err: unknown) => never {
  return (err) => {
    createLogger({ service }).fatal({ err }, `${service} failed to start`);
    process.exit(1);
  };
}
