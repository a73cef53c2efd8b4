import net from 'node:net';

export interface TcpProxy {
  /** A connection URL (postgres://, mongodb://) with its host and port replaced by the proxy's. */
  urlFor(url: string): string;
  /** Drops every open connection and every new one until restore(), as a server that went away. */
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

const DEFAULT_PORTS: Record<string, number> = { 'postgres:': 5432, 'postgresql:': 5432, 'mongodb:': 27017, 'amqp:': 5672 };

/**
 * A real TCP hop in front of the server a connection URL names (PostgreSQL, MongoDB, RabbitMQ), for
 * showing what a service does while that server is unreachable.
 */
export async function startTcpProxy(serverUrl: string): Promise<TcpProxy> {
  const target = new URL(serverUrl);
  const targetHost = target.hostname;
  const targetPort = Number(target.port || DEFAULT_PORTS[target.protocol]);
  const open = new Set<net.Socket>();
  let cut = false;
  const server = net.createServer((client) => {
    if (cut) {
      client.destroy();
      return;
    }
    const upstream = net.connect(targetPort, targetHost);
    for (const socket of [client, upstream]) {
      open.add(socket);
      socket.on('close', () => open.delete(socket));
      socket.on('error', () => undefined);
    }
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    urlFor(url) {
      const through = new URL(url);
      through.hostname = '127.0.0.1';
      through.port = String(port);
      return through.toString();
    },
    cut() {
      cut = true;
      for (const socket of open) socket.destroy();
    },
    restore() {
      cut = false;
    },
    close() {
      for (const socket of open) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
