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

/** Fields of /proc/<pid>/stat after the command name (which may hold spaces and parentheses), or undefined. */
function statFields(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

// In statFields: the parent's pid; user and system time, then those of the children it has waited
// for; when the process started (with its pid, what tells it from a later process given the same pid).
const PPID = 1;
const UTIME = 11;
const STIME = 12;
const CUTIME = 13;
const CSTIME = 14;
const STARTTIME = 19;
const ticksToMs = (fields, a, b) => ((Number(fields[a]) + Number(fields[b])) * 1000) / clockTicks();

/** CPU milliseconds of one process so far, or undefined when it cannot be read. */
function processCpuMs(pid) {
  const fields = statFields(pid);
  return fields && ticksToMs(fields, UTIME, STIME);
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

/**
 * A reading of every process of the stack: per pid, its part, its CPU milliseconds (user + system)
 * so far, its parent, the CPU of the children it has waited for (`childrenMs`) and when it started.
 */
function readStackCpu(repoRoot) {
  const processes = {};
  let pids;
  try {
    pids = fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return processes;
  }
  const classify = classifier(repoRoot);
  for (const pid of pids) {
    let cmdline;
    try {
      cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
    } catch {
      continue; // the process ended between the listing and the read
    }
    const part = classify(pid, cmdline);
    // Outside the stack, only a process with no command line left may be one of its zombies.
    if (!part && cmdline !== '') continue;
    const fields = statFields(pid);
    // An ended process its parent has not waited for yet (a zombie) has no command line left: it is
    // kept, unnamed, so its CPU is still counted (cpuPerUnit names it after the earlier reading).
    if (fields && (part || fields[0] === 'Z')) {
      processes[pid] = { part, ms: ticksToMs(fields, UTIME, STIME), ppid: fields[PPID], childrenMs: ticksToMs(fields, CUTIME, CSTIME), started: fields[STARTTIME] };
    }
  }
  return processes;
}

/** Where the CPU of a part's children that ended in between is counted: PostgreSQL's backends end and are replaced. */
const endedPart = (parentPart) => (parentPart.startsWith('PostgreSQL') ? 'PostgreSQL (ended backends)' : `${parentPart} (ended children)`);

/**
 * CPU milliseconds per unit of work (order, request) of each part between two readings, busiest
 * first, counted per process: a process that started in between counts whole, and one that ended
 * (a PostgreSQL backend whose pool closed it) counts what its parent gained from waiting for it, less
 * what it had used before the first reading. Summing by part before subtracting would take an ended
 * process's whole past off its part.
 */
function cpuPerUnit(before, after, units) {
  const same = (pid) => before[pid] !== undefined && after[pid] !== undefined && before[pid].started === after[pid].started;
  // What the processes that ended in between had used before the first reading, by parent.
  const endedBefore = {};
  for (const [pid, p] of Object.entries(before)) if (!same(pid)) endedBefore[p.ppid] = (endedBefore[p.ppid] ?? 0) + p.ms;
  const totals = {};
  const add = (part, ms) => (totals[part] = (totals[part] ?? 0) + ms);
  for (const [pid, p] of Object.entries(after)) {
    if (!same(pid)) {
      // Started in between: counts whole; a zombie that also ended in between, as its parent's ended child.
      const part = p.part ?? (after[p.ppid]?.part && endedPart(after[p.ppid].part));
      if (part) add(part, p.ms);
      continue;
    }
    const part = p.part ?? before[pid].part;
    if (!part) continue;
    add(part, p.ms - before[pid].ms);
    const reaped = p.childrenMs - before[pid].childrenMs - (endedBefore[pid] ?? 0);
    if (reaped !== 0) add(endedPart(part), reaped);
  }
  return Object.fromEntries(
    Object.entries(totals)
      .map(([part, ms]) => [part, ms / units])
      .filter(([, ms]) => ms !== 0)
      .sort((a, b) => b[1] - a[1]),
  );
}

module.exports = { readStackCpu, cpuPerUnit, processCpuMs, voluntarySleeps, servicePid, classifier };
