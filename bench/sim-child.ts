/**
 * Helpers of the export benchmarks: the simulator as a child process (`qsync sim --json`), peak memory of a process
 * from /proc, and a raw export job run with plain fetch (for the curl baseline).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const BIN = join(import.meta.dirname, '../bin/qsync.js');

/** A running `qsync sim` child. */
export interface SimChild {
  baseUrl: string;
  apiToken: string;
  surveyIds: string[];
  pid: number;
  stop(): Promise<void>;
}

/** Starts `node bin/qsync.js sim --json …extra` and waits for its JSON line. */
export function startSimChild(extra: string[]): Promise<SimChild> {
  const child: ChildProcess = spawn(process.execPath, [BIN, 'sim', '--json', ...extra], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`qsync sim exited early (${code})`)));
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const line = out.split('\n')[0];
      if (!out.includes('\n') || !line) return;
      const info = JSON.parse(line) as { baseUrl: string; apiToken: string; surveyIds: string[] };
      child.removeAllListeners('exit');
      resolve({
        ...info,
        pid: child.pid!,
        stop: () =>
          new Promise<void>((done) => {
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    });
  });
}

/** A `/proc/<pid>/status` figure in MB (VmHWM = peak resident set, VmRSS = current). Linux only. */
export function procMemoryMb(pid: number | 'self', field: 'VmHWM' | 'VmRSS'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
  return Math.round(kb / 1024);
}

async function api<T>(sim: SimChild, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${sim.baseUrl}/API/v3${path}`, {
    method,
    headers: { 'x-api-token': sim.apiToken, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = (await res.json()) as { result: T };
  if (res.status !== 200) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json.result;
}

/** Runs an export job with plain fetch (no qsync code) and returns the file URL. */
export async function exportFileUrl(sim: SimChild, surveyId: string, body: Record<string, unknown>): Promise<string> {
  const { progressId } = await api<{ progressId: string }>(sim, 'POST', `/surveys/${surveyId}/export-responses`, body);
  for (;;) {
    const p = await api<{ status: string; fileId?: string }>(sim, 'GET', `/surveys/${surveyId}/export-responses/${progressId}`);
    if (p.status === 'complete') return `${sim.baseUrl}/API/v3/surveys/${surveyId}/export-responses/${p.fileId}/file`;
    if (p.status === 'failed') throw new Error('export failed');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Streams a URL to nowhere with fetch; returns bytes and ms. */
export async function drain(url: string, apiToken: string): Promise<{ bytes: number; ms: number }> {
  const started = performance.now();
  const res = await fetch(url, { headers: { 'x-api-token': apiToken } });
  let bytes = 0;
  for await (const chunk of res.body!) bytes += (chunk as Uint8Array).byteLength;
  return { bytes, ms: Math.round(performance.now() - started) };
}
