import net from 'node:net';
import { readFileSync } from 'node:fs';
import { freePort } from '../src/testing/boot-test';

const listenOn = (port: number) =>
  new Promise<net.Server>((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(port, '0.0.0.0', () => resolve(server));
  });

describe('freePort', () => {
  it('hands out ports below the ephemeral range that a process can then listen on', async () => {
    const floor = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    const ports = await Promise.all(Array.from({ length: 10 }, () => freePort()));
    for (const port of ports) expect(port).toBeLessThan(floor);
    // Drawn at random, two may coincide; each distinct one must be free to listen on.
    const servers = await Promise.all([...new Set(ports)].map(listenOn));
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  });
});
