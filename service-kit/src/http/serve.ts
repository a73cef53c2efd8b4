import type { Logger } from 'pino';
import type { HttpApps } from './create-http-apps';
import { listen, type Listener } from './listen';
import type { Lifecycle } from '../lifecycle/lifecycle';

export interface ServeOptions {
  apps: HttpApps;
  port: number;
  /** Omit for a service without an internal API (the worker). */
  internalPort?: number;
  lifecycle: Lifecycle;
  logger: Logger;
  /** How long in-flight requests may take to finish once shutdown starts. */
  drainMs?: number;
}

/** Opens the public and internal listeners and registers them to close first on shutdown. */
export async function serve(options: ServeOptions): Promise<{ publicListener: Listener; internalListener?: Listener }> {
  const drainMs = options.drainMs ?? 10_000;
  const publicListener = await listen(options.apps.publicApp, options.port);
  options.lifecycle.onShutdown('public listener', 'listeners', () => publicListener.close(drainMs));
  let internalListener: Listener | undefined;
  if (options.internalPort !== undefined) {
    internalListener = await listen(options.apps.internalApp, options.internalPort);
    options.lifecycle.onShutdown('internal listener', 'listeners', () => internalListener?.close(drainMs));
  }
  options.logger.info({ port: publicListener.port, internalPort: internalListener?.port }, 'listening');
  return { publicListener, internalListener };
}
