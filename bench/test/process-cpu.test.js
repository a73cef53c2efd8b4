'use strict';
const path = require('node:path');
const { Client } = require('pg');
const { readStackCpu, cpuPerUnit, processCpuMs } = require('../lib/process-cpu');

const repoRoot = path.join(__dirname, '../..');
const adminUrl = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres:postgres@127.0.0.1:5432/postgres';

const burn = (ms) => {
  const until = performance.now() + ms;
  while (performance.now() < until);
};

describe('CPU per process of the stack', () => {
  it('counts the CPU this process spends as the load generator', () => {
    const before = readStackCpu(repoRoot);
    burn(200);
    const perUnit = cpuPerUnit(before, readStackCpu(repoRoot), 1);
    expect(perUnit['load generator']).toBeGreaterThanOrEqual(100);
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
