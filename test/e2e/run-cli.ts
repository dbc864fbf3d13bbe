import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import type { Simulator } from '../../src/sim/index.ts';

const BIN = join(import.meta.dirname, '../../bin/qsync.js');

/** What a CLI run printed and how it ended. */
export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `node bin/qsync.js …` as a child process (asynchronously: the simulator answering it lives in this
 * process). `onStderr` sees stderr as it arrives, with the child, to send it a signal mid-run.
 */
export function runCli(
  args: string[],
  options: { env?: Record<string, string>; cwd?: string; onStderr?: (text: string, child: ChildProcess) => void } = {},
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: options.cwd ?? process.cwd(),
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      options.onStderr?.(stderr, child);
    });
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** Environment pointing the CLI at the simulator with OAuth credentials, fast retries and no token cache file. */
export function simEnv(sim: Simulator, extra: Record<string, string> = {}): Record<string, string> {
  return {
    QUALTRICS_BASE_URL: sim.url,
    QUALTRICS_CLIENT_ID: sim.clientId,
    QUALTRICS_CLIENT_SECRET: sim.clientSecret,
    QSYNC_TOKEN_CACHE: 'off',
    API_RETRY_DELAY: '20',
    ...extra,
  };
}
