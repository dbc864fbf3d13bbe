/**
 * Worker throughput (issue 5): 1, 2 and 4 `qsync worker` processes on 40 simulator surveys under a brand limit of
 * 600/min, sharing one rate budget through PostgreSQL. Surveys are due again one second after each sync, so there
 * is always more work than budget: the question is whether the workers together use the limits without exceeding
 * them (no 429 storms), whatever their number. Each setting gets a fresh simulator and database, a warm-up, then a
 * fixed window counted by the simulator (`/_sim/stats`, reset at the window's start).
 *
 * A sync is about five requests (survey, export start, two or three polls, file), and export starts have their own
 * published limit of 100/min: at 600/min that endpoint limit binds before the brand's (5 × 95 < 570). The default
 * settings therefore also run 1 and 4 workers under a 300/min brand limit, where the brand limit binds.
 *
 * Run alone: `node --import tsx bench/workers.ts [windowSeconds]`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type StatsSnapshot, startSimulator } from '../src/sim/index.ts';
import { type PostgresServer, startPostgres } from '../test/support/postgres.ts';
import type { BenchCase, BenchRow } from './run.ts';

const BIN = join(import.meta.dirname, '../bin/qsync.js');
const EXPORT_START = 'POST /API/v3/surveys/{surveyId}/export-responses';
/** Published limit of export starts (requests per minute, FACTS.md §12). */
const EXPORT_START_LIMIT = 100;

/** Settings of the benchmark; every one has the value as default. */
export interface WorkersBenchOptions {
  /**
   * One measurement each: worker count and brand limit of the simulator and the workers (requests per minute).
   * Default 1, 2 and 4 workers at 600/min, then 1 and 4 at 300/min.
   */
  settings?: Array<{ workers: number; brandLimit: number }>;
  /** Surveys in the simulator. Default 40. */
  surveys?: number;
  /** Share of the limit the workers aim at (config `rateShare`). Default 0.95. */
  share?: number;
  /** Surveys each worker syncs at once. Default 8. */
  concurrency?: number;
  /** Measured window per setting (ms). Default 60000. */
  windowMs?: number;
  /** Time from starting the workers to the window (start-up, the first claims filling the queues) (ms). Default 30000. */
  warmupMs?: number;
}

/** Runs every setting and returns one row each: requests/min, % of the limit, 429s, syncs finished. */
export async function benchWorkers(options: WorkersBenchOptions = {}): Promise<BenchRow[]> {
  const o = {
    settings: options.settings ?? [
      { workers: 1, brandLimit: 600 },
      { workers: 2, brandLimit: 600 },
      { workers: 4, brandLimit: 600 },
      { workers: 1, brandLimit: 300 },
      { workers: 4, brandLimit: 300 },
    ],
    surveys: options.surveys ?? 40,
    share: options.share ?? 0.95,
    concurrency: options.concurrency ?? 8,
    windowMs: options.windowMs ?? 60_000,
    warmupMs: options.warmupMs ?? 30_000,
  };
  const server = await startPostgres();
  const rows: BenchRow[] = [];
  try {
    for (const [i, setting] of o.settings.entries()) rows.push(await measure(server, i, setting, o));
  } finally {
    await server.stop();
  }
  return rows;
}

async function measure(
  server: PostgresServer,
  index: number,
  { workers: n, brandLimit }: { workers: number; brandLimit: number },
  o: Omit<Required<WorkersBenchOptions>, 'settings'>,
): Promise<BenchRow> {
  // Exports take 3 s (simulated), as small real ones do; a run is then about six requests, mostly polls.
  const sim = await startSimulator({ seed: 23, surveys: o.surveys, responsesPerSurvey: 50, brandLimitPerMin: brandLimit, exportDelayMs: 3000 });
  const dir = mkdtempSync(join(tmpdir(), 'qsync-bench-workers-'));
  const url = await server.createDatabase(`bench_workers_${index + 1}`);
  const config = join(dir, 'qsync.config.yaml');
  writeFileSync(
    config,
    `connection: { baseUrl: "${sim.url}", apiToken: "${sim.apiToken}", tokenCache: false, rateShare: ${o.share} }
surveys: [${sim.surveyIds.join(', ')}]
concurrency: ${o.concurrency}
reconcileEvery: 0
sync: { tmpDir: . }
`,
  );
  const children: ChildProcess[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const args = ['worker', '--db', url, '--config', config, '--id', `bench-${n}-${i + 1}`, '--interval', '1', '--lease-ttl', '30', '--brand-limit', String(brandLimit)];
      children.push(spawn(process.execPath, [BIN, ...args], { cwd: dir, env: { PATH: process.env['PATH'], HOME: dir }, stdio: ['ignore', 'ignore', 'ignore'] }));
    }
    await sleep(o.warmupMs);
    await fetch(`${sim.url}/_sim/stats`, { method: 'DELETE' });
    const from = (await server.sql<{ t: string }>(`SELECT now()::text AS t`))[0]!.t;
    await sleep(o.windowMs);
    const stats = (await (await fetch(`${sim.url}/_sim/stats`)).json()) as StatsSnapshot;
    const syncs = await server.sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM qsync.sync_runs WHERE kind = 'worker' AND status = 'success' AND finished_at > $1::timestamptz`,
      [from],
      url.slice(url.lastIndexOf('/') + 1),
    );
    const minutes = o.windowMs / 60_000;
    const perMinute = stats.total / minutes;
    const starts = stats.routes[EXPORT_START]?.total ?? 0;
    return {
      label: `${n} worker${n === 1 ? '' : 's'} × ${o.concurrency} surveys at once, ${o.surveys} surveys, ${brandLimit}/min brand limit`,
      figures: {
        windowS: Math.round(o.windowMs / 1000),
        requests: stats.total,
        requestsPerMin: Math.round(perMinute),
        pctOfBrandLimit: pct(perMinute, brandLimit),
        busiest10sPerMin: busiest(stats, 10) * 6,
        http429: stats.byStatus['429'] ?? 0,
        exportStartsPerMin: Math.round(starts / minutes),
        pctOfExportStartLimit: pct(starts / minutes, EXPORT_START_LIMIT),
        syncsFinished: syncs[0]?.n ?? 0,
        requestsPerSync: syncs[0]?.n ? Math.round((stats.total / syncs[0].n) * 10) / 10 : 0,
      },
    };
  } finally {
    for (const c of children) c.kill('SIGTERM');
    await Promise.all(children.map((c) => (c.exitCode !== null ? Promise.resolve() : new Promise((r) => c.once('exit', r)))));
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The most requests counted in any `windowS` consecutive seconds. */
function busiest(stats: StatsSnapshot, windowS: number): number {
  const seconds = stats.perSecond.map((s) => ({ t: Date.parse(s.t) / 1000, n: s.total }));
  let most = 0;
  for (const s of seconds) most = Math.max(most, seconds.filter((x) => x.t >= s.t && x.t < s.t + windowS).reduce((a, x) => a + x.n, 0));
  return most;
}

function pct(value: number, of: number): number {
  return Math.round((value / of) * 1000) / 10;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** The case for bench/cases.ts. */
export const workersCase: BenchCase = {
  name: 'workers-throughput',
  goal: '1, 2 and 4 workers on 40 surveys under a 600/min brand limit: the rate limit, not the workers, is the ceiling (>= 90% of the binding limit used), no 429 storms',
  run: () => benchWorkers(),
};

if (import.meta.url === `file://${process.argv[1]}`) {
  const windowS = Number(process.argv[2] ?? 60);
  const rows = await benchWorkers({ windowMs: windowS * 1000 });
  // The row objects as bench/run.ts would record them.
  for (const r of rows) process.stdout.write(`${r.label}: ${JSON.stringify(r.figures)}\n`);
}
