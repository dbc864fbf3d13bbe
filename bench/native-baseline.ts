/**
 * What the native baselines of the store and sync benchmarks (`sqlite3 .import`, `psql \copy`) share: writing their
 * input file without holding it in memory, and running the native client while sampling its peak RSS (and timing it).
 */
import { spawn } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';

/** Writes `header` (when given) and `rows` lines `line(0)`…, each followed by a newline, in 1 MiB chunks. */
export async function writeLines(path: string, rows: number, line: (r: number) => string, header?: string): Promise<void> {
  const out = createWriteStream(path);
  if (header !== undefined) out.write(`${header}\n`);
  let chunk = '';
  for (let r = 0; r < rows; r++) {
    chunk += `${line(r)}\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
      chunk = '';
    }
  }
  out.write(chunk);
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
}

/**
 * Runs `command` with `args` (stdout ignored); resolves with its peak RSS in kB (VmHWM sampled from /proc every
 * 10 ms while it runs). Rejects with the first line of its stderr when it fails, or with `missing` as the hint
 * when it cannot be started.
 */
export function runSampled(command: string, args: string[], missing: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let peakKb = 0;
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const sample = () => {
      try {
        const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) peakKb = Math.max(peakKb, Number(m[1]));
      } catch {
        // The process has exited between samples; the last sample stands.
      }
    };
    const timer = setInterval(sample, 10);
    child.on('error', (err) => {
      clearInterval(timer);
      reject(new Error(`cannot run ${command} (${missing}): ${err.message}`));
    });
    child.on('close', (code) => {
      clearInterval(timer);
      if (code === 0) resolve(peakKb);
      else reject(new Error(`${command} exited with ${code}: ${stderr.trim().split('\n')[0]}`));
    });
  });
}

/** What one timed native load took: wall time (ms) and the client's peak RSS (MB). */
export interface NativeRun {
  ms: number;
  peakRssMb: number;
}

/** Runs `command` with `args` like `runSampled`, timing it from spawn to exit. */
export async function runTimed(command: string, args: string[], missing: string): Promise<NativeRun> {
  const started = performance.now();
  const peakKb = await runSampled(command, args, missing);
  return { ms: Math.round(performance.now() - started), peakRssMb: Math.round(peakKb / 102.4) / 10 };
}

/** The `sqlite3` CLI on `args` (a database, then SQL or dot commands, each run in turn); its time and peak RSS. */
export function runSqlite3(args: string[]): Promise<NativeRun> {
  return runTimed('sqlite3', args, 'is the sqlite3 CLI installed? apt-get install sqlite3');
}
