'use strict';
// CPU time spent by each process of the local stack, read from /proc, so every run shows where the
// time of a scenario went (the stack shares two cores with its load generator, so a figure is
// bound by the sum of everyone's CPU per request, not by one process). Linux only: elsewhere
// every reading is empty and the reports leave the breakdown out.
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const SERVICES = ['user-service', 'product-service', 'order-service', 'integration-service'];

let ticksPerSecond;
function clockTicks() {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** The pid of a service of the local stack (scripts/local-up.sh writes .local/run/<service>.pid), or undefined. */
function servicePid(repoRoot, service) {
  try {
    return fs.readFileSync(path.join(repoRoot, '.local/run', `${service}.pid`), 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/** Which part of the stack a process is, by its pid file or its command line; undefined for the rest of the machine. */
function classifier(repoRoot) {
  const byPid = new Map();
  for (const service of SERVICES) {
    const pid = servicePid(repoRoot, service);
    if (pid) byPid.set(pid, service);
  }
  byPid.set(String(process.pid), 'load generator');
  return (pid, cmdline) => {
    if (byPid.has(pid)) return byPid.get(pid);
    // Before the PostgreSQL rules: FerretDB's arguments name its postgres:// backend.
    if (/(^|\/)ferretdb\S* /.test(cmdline)) return 'FerretDB';
    // A backend's title is "postgres: <cluster>: <user> <database> <client address(port)> <state>".
    const backend = /^postgres: [^:]+: \S+ (\S+) (\S+\(\d+\)|\[local\]) /.exec(cmdline);
    if (backend) return `PostgreSQL (${backend[1]})`;
    if (/^postgres[: ]|\/postgres /.test(cmdline)) return 'PostgreSQL (server)';
    if (/beam\.smp/.test(cmdline) && /rabbit/.test(cmdline)) return 'RabbitMQ';
    if (/(^|\/)mongod /.test(cmdline)) return 'MongoDB';
    return undefined;
  };
}

/** CPU milliseconds of one process so far, or undefined when it cannot be read. */
function processCpuMs(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // After the command name (which may hold spaces and parentheses): utime and stime are the 12th and 13th fields.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicks();
  } catch {
    return undefined;
  }
}

/**
 * How often a process's main thread has gone to sleep waiting so far (its voluntary context
 * switches), or undefined when it cannot be read. For the load generator, each sleep is a wake-up
 * that some server's response write had to pay for (RESULTS.md, steps 25 and 32).
 */
function voluntarySleeps(pid) {
  try {
    const match = /^voluntary_ctxt_switches:\s+(\d+)$/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** CPU milliseconds (user + system) so far of every process of the stack, summed by part. */
function readStackCpu(repoRoot) {
  const parts = {};
  let pids;
  try {
    pids = fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return parts;
  }
  const classify = classifier(repoRoot);
  for (const pid of pids) {
    let part;
    try {
      part = classify(pid, fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' '));
    } catch {
      continue; // the process ended between the listing and the read
    }
    const ms = part && processCpuMs(pid);
    if (ms !== undefined) parts[part] = (parts[part] ?? 0) + ms;
  }
  return parts;
}

/** CPU milliseconds per unit of work (order, request) of each part between two readings, busiest first. */
function cpuPerUnit(before, after, units) {
  return Object.fromEntries(
    Object.keys(after)
      .map((part) => [part, (after[part] - (before[part] ?? 0)) / units])
      .filter(([, ms]) => ms > 0)
      .sort((a, b) => b[1] - a[1]),
  );
}

module.exports = { readStackCpu, cpuPerUnit, processCpuMs, voluntarySleeps, servicePid, classifier };
