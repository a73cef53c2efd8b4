'use strict';
const path = require('node:path');
const { Client } = require('pg');
const { readStackCpu, cpuPerUnit, processCpuMs, classifier } = require('../lib/process-cpu');

const repoRoot = path.join(__dirname, '../..');
const adminUrl = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres:postgres@127.0.0.1:5432/postgres';

/** Spins until this process has used `ms` of CPU (by its own count), however busy the machine is. */
const burn = (ms) => {
  const start = process.cpuUsage();
  for (;;) {
    const used = process.cpuUsage(start);
    if ((used.user + used.system) / 1000 >= ms) return;
  }
};

describe('CPU per process of the stack', () => {
  it('counts the CPU this process spends as the load generator', () => {
    const before = readStackCpu(repoRoot);
    burn(200);
    const perUnit = cpuPerUnit(before, readStackCpu(repoRoot), 1);
    // /proc counts in clock ticks (10 ms), so allow for the ticks at either end.
    expect(perUnit['load generator']).toBeGreaterThanOrEqual(180);
    expect(processCpuMs(process.pid)).toBeGreaterThan(0);
  });

  it('names each PostgreSQL backend by the database it serves, apart from the server processes', async () => {
    const client = new Client({ connectionString: adminUrl });
    await client.connect();
    try {
      const { rows } = await client.query('SELECT current_database() AS db');
      const parts = Object.keys(readStackCpu(repoRoot));
      expect(parts).toContain(`PostgreSQL (${rows[0].db})`);
      expect(parts).toContain('PostgreSQL (server)');
    } finally {
      await client.end();
    }
  });

  it('tells the servers of the stack apart by their command lines, FerretDB from the PostgreSQL it uses, and ignores the rest', () => {
    const partOf = classifier(repoRoot);
    const parts = {
      '/root/go/bin/ferretdb-local -listen-addr 127.0.0.1:27017 -handler postgresql -postgresql-url postgres://postgres@127.0.0.1:5432/ferretdb ': 'FerretDB',
      'postgres: 15/main: postgres ferretdb 127.0.0.1(34016) idle': 'PostgreSQL (ferretdb)',
      'postgres: 15/main: app orders [local] SELECT': 'PostgreSQL (orders)',
      'postgres: 15/main: autovacuum launcher ': 'PostgreSQL (server)',
      '/usr/lib/postgresql/15/bin/postgres -D /var/lib/postgresql/15/main ': 'PostgreSQL (server)',
      '/usr/lib/erlang/erts-13.1.5/bin/beam.smp -W w -- -root /usr/lib/erlang -- -boot start_sanitized -s rabbit boot ': 'RabbitMQ',
      '/usr/bin/redis-server 127.0.0.1:6379 ': undefined,
    };
    for (const [cmdline, part] of Object.entries(parts)) expect([cmdline, partOf('1', cmdline)]).toEqual([cmdline, part]);
  });

  it('gives each part its CPU per unit of work, busiest first, and leaves out the parts that did nothing', () => {
    const before = { 'order-service': 1000, FerretDB: 500, RabbitMQ: 40 };
    const after = { 'order-service': 1900, FerretDB: 2500, RabbitMQ: 40, 'load generator': 100 };
    expect(Object.entries(cpuPerUnit(before, after, 100))).toEqual([
      ['FerretDB', 20],
      ['order-service', 9],
      ['load generator', 1],
    ]);
  });

  it('reads nothing for a process that is not there', () => {
    expect(processCpuMs(2 ** 22 + 1)).toBeUndefined();
  });
});
