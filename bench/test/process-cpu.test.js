'use strict';
const path = require('node:path');
const { Client } = require('pg');
const { readStackCpu, cpuPerUnit, processCpuMs, voluntarySleeps, classifier } = require('../lib/process-cpu');

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

/** Spins through `rounds` of arithmetic without allocating, so no garbage collection can make it wait. */
const spin = (rounds) => {
  let x = 1;
  for (let i = 0; i < rounds; i++) x = (x * 1103515245 + 12345) | 0;
  return x;
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

  it('counts each time this process sleeps waiting, and nothing while it spins', () => {
    const blocker = new Int32Array(new SharedArrayBuffer(4));
    const before = voluntarySleeps(process.pid);
    for (let i = 0; i < 5; i++) Atomics.wait(blocker, 0, 0, 5); // a 5 ms futex wait: the thread sleeps
    const afterSleeping = voluntarySleeps(process.pid);
    expect(afterSleeping - before).toBeGreaterThanOrEqual(5);
    // A spinning thread does not sleep, but the odd GC helper hand-off or page fault on I/O can make
    // it wait once or twice (a CI run saw 2), so the best of three spins must show none or one.
    const sleepsWhileSpinning = [1, 2, 3].map(() => {
      const start = voluntarySleeps(process.pid);
      spin(20_000_000);
      return voluntarySleeps(process.pid) - start;
    });
    expect(Math.min(...sleepsWhileSpinning)).toBeLessThanOrEqual(1);
  });

  it('names each PostgreSQL backend by the database it serves, apart from the server processes', async () => {
    const client = new Client({ connectionString: adminUrl });
    await client.connect();
    try {
      const { rows } = await client.query('SELECT current_database() AS db');
      const parts = Object.values(readStackCpu(repoRoot)).map((p) => p.part);
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
    const proc = (part, ms, extra = {}) => ({ part, ms, ppid: '1', childrenMs: 0, started: '100', ...extra });
    const before = { 10: proc('order-service', 1000), 11: proc('FerretDB', 500), 12: proc('RabbitMQ', 40) };
    const after = { 10: proc('order-service', 1900), 11: proc('FerretDB', 2500), 12: proc('RabbitMQ', 40), 13: proc('load generator', 100, { started: '900' }) };
    expect(Object.entries(cpuPerUnit(before, after, 100))).toEqual([
      ['FerretDB', 20],
      ['order-service', 9],
      ['load generator', 1],
    ]);
  });

  it('counts a process that ended in between by what its parent reaped, less what it had used before, and a reused pid as a new process', () => {
    const proc = (part, ms, extra = {}) => ({ part, ms, ppid: '1', childrenMs: 0, started: '100', ...extra });
    const before = {
      1: proc('PostgreSQL (server)', 50, { childrenMs: 5000 }),
      20: proc('PostgreSQL (orders)', 3000), // ends in between, having used 400 ms more
      21: proc('PostgreSQL (orders)', 200), // its pid is then given to a new backend
      22: proc('PostgreSQL (orders)', 100),
    };
    const after = {
      1: proc('PostgreSQL (server)', 50, { childrenMs: 5000 + 3400 + 200 }),
      21: proc('PostgreSQL (orders)', 30, { started: '700' }),
      22: proc('PostgreSQL (orders)', 160),
    };
    expect(cpuPerUnit(before, after, 10)).toEqual({ 'PostgreSQL (ended backends)': 40, 'PostgreSQL (orders)': 9 });
  });

  it('reads a process that ended and was not yet waited for (a zombie), though it has no command line left', async () => {
    const { spawn } = require('node:child_process');
    // `sleep 0` ends at once; its parent then execs a sleep that never waits for it.
    const parent = spawn('sh', ['-c', 'sleep 0 & exec sleep 5'], { stdio: 'ignore' });
    try {
      let zombie;
      for (let i = 0; i < 100 && !zombie; i++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        zombie = Object.entries(readStackCpu(repoRoot)).find(([, p]) => p.ppid === String(parent.pid) && p.part === undefined);
      }
      expect(zombie).toBeDefined();
      expect(require('node:fs').readFileSync(`/proc/${zombie[0]}/stat`, 'utf8')).toMatch(/\) Z /);
    } finally {
      parent.kill();
    }
  });

  it('counts a zombie that started and ended between two readings as its parent\'s ended child', () => {
    const proc = (part, ms, extra = {}) => ({ part, ms, ppid: '1', childrenMs: 0, started: '100', ...extra });
    const before = { 1: proc('PostgreSQL (server)', 50) };
    const after = { 1: proc('PostgreSQL (server)', 50), 30: proc(undefined, 120, { started: '500' }) };
    expect(cpuPerUnit(before, after, 10)).toEqual({ 'PostgreSQL (ended backends)': 12 });
  });

  it('counts a process that ended but was not yet waited for (a zombie, unnamed) under its earlier name, and not as reaped', () => {
    const proc = (part, ms, extra = {}) => ({ part, ms, ppid: '1', childrenMs: 0, started: '100', ...extra });
    const before = { 1: proc('PostgreSQL (server)', 50, { childrenMs: 5000 }), 20: proc('PostgreSQL (orders)', 3000) };
    const after = { 1: proc('PostgreSQL (server)', 50, { childrenMs: 5000 }), 20: proc(undefined, 3400) };
    expect(cpuPerUnit(before, after, 10)).toEqual({ 'PostgreSQL (orders)': 40 });
  });

  it('keeps the CPU of a PostgreSQL backend that ended between two readings, instead of taking its past off its database', async () => {
    const client = new Client({ connectionString: adminUrl });
    await client.connect();
    const { rows } = await client.query('SELECT pg_backend_pid() AS pid, current_database() AS db');
    const { pid, db } = rows[0];
    const work = () => client.query('SELECT count(*) FROM generate_series(1, 3000000)');
    await work();
    const before = readStackCpu(repoRoot);
    expect(before[pid].ms).toBeGreaterThan(0);
    await work();
    const inBetween = processCpuMs(pid) - before[pid].ms;
    await client.end();
    for (let i = 0; i < 100 && processCpuMs(pid) !== undefined; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    const perUnit = cpuPerUnit(before, readStackCpu(repoRoot), 1);
    // Clock ticks are 10 ms, read at either end; other suites' backends may end meanwhile too.
    expect(perUnit['PostgreSQL (ended backends)']).toBeGreaterThanOrEqual(inBetween - 20);
    expect(perUnit[`PostgreSQL (${db})`] ?? 0).toBeGreaterThan(-20);
  });

  it('reads nothing for a process that is not there', () => {
    expect(processCpuMs(2 ** 22 + 1)).toBeUndefined();
    expect(voluntarySleeps(2 ** 22 + 1)).toBeUndefined();
  });
});
