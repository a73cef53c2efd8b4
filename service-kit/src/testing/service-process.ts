import { spawn, type ChildProcess } from 'node:child_process';
import axios from 'axios';

export interface ServiceProcess {
  child: ChildProcess;
  /** Everything the process wrote so far (stdout and stderr). */
  output(): string;
  /** The exit code, once the process has ended and its output is read to the end. */
  exited: Promise<number | null>;
  /** SIGTERM (or the given signal) and wait for the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Runs a compiled service entry point as a real process with exactly the given environment. */
export function spawnService(mainPath: string, env: Record<string, string>): ServiceProcess {
  const child = spawn(process.execPath, [mainPath], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (chunk) => { out += String(chunk); });
  child.stderr!.on('data', (chunk) => { out += String(chunk); });
  // 'close', not 'exit': by then stdout and stderr are read to the end.
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  return {
    child,
    output: () => out,
    exited,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Resolves once GET url answers 200, or rejects with the process output after timeoutMs. */
export async function waitForHttp(url: string, service: ServiceProcess, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (service.child.exitCode !== null) throw new Error(`process exited with ${service.child.exitCode}:\n${service.output()}`);
    const status = await axios.get(url, { timeout: 1000, validateStatus: () => true }).then((r) => r.status, () => 0);
    if (status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms:\n${service.output()}`);
}
