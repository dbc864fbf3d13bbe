/**
 * Scale-out (issue 5, points 4 and 5): three `qsync worker` processes share twenty simulator surveys through a real
 * PostgreSQL server while the simulator keeps adding and editing responses; one worker is killed with SIGKILL in
 * the middle of an export. In the end every survey equals the ground truth, `sync_runs` shows no survey synced by
 * two workers at once (the killed worker's survey taken over after its lease expired), and the simulator counted
 * no more requests than the configured brand limit allows, and no 429.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, type StatsSnapshot, startSimulator } from '../../src/sim/index.ts';
import { openStore } from '../../src/store/index.ts';
import { type PostgresServer, startPostgres } from '../support/postgres.ts';
import { diffWithTruth, groundTruth, tempDir } from '../sync/helpers.ts';

const root = resolve(import.meta.dirname, '../..');
/** The brand limit configured in the simulator and given to the workers (requests per minute). */
const LIMIT = 480;
const SURVEYS = 20;
const LEASE_TTL_S = 5;

let server: PostgresServer;
let sim: Simulator;
let url: string;
let dbName: string;
let dir: ReturnType<typeof tempDir>;
let config: string;

interface Worker {
  id: string;
  child: ChildProcess;
  stderr: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function startWorker(id: string): Worker {
  const child = spawn(
    process.execPath,
    [join(root, 'bin/qsync.js'), 'worker', '--db', url, '--config', config, '--id', id, '--interval', '2', '--lease-ttl', String(LEASE_TTL_S), '--brand-limit', String(LIMIT)],
    { cwd: dir.dir, env: { PATH: process.env['PATH'], HOME: dir.dir }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => child.on('exit', (code, signal) => done({ code, signal })));
  return { id, child, stderr: () => stderr, exit };
}

function sql<R extends Record<string, unknown>>(text: string, params: unknown[] = []): Promise<R[]> {
  return server.sql<R>(text, params, dbName);
}

/** Polls `probe` every 100 ms until it returns a value (not undefined); fails after `ms`. */
async function until<T>(what: string, ms: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  server = await startPostgres();
  url = await server.createDatabase('workers');
  dbName = decodeURIComponent(new URL(url).pathname.slice(1));
  // Exports take 1.5 s to complete, so that a worker can be caught in the middle of one.
  sim = await startSimulator({ seed: 17, surveys: SURVEYS, responsesPerSurvey: 20, brandLimitPerMin: LIMIT, exportDelayMs: 1500 });
  dir = tempDir('qsync-workers-');
  config = join(dir.dir, 'qsync.config.yaml');
  writeFileSync(
    config,
    `connection: { baseUrl: "${sim.url}", apiToken: "${sim.apiToken}", tokenCache: false }
surveys: [${sim.surveyIds.join(', ')}]
concurrency: 3
reconcileEvery: 0
sync: { tmpDir: . }
`,
  );
});

afterAll(async () => {
  await sim?.close();
  await server?.stop();
  dir?.remove();
});

describe('three workers, twenty surveys, one killed', () => {
  it('end equal to the ground truth, never sync a survey twice at once, and stay within the brand limit together', async () => {
    const workers = ['w1', 'w2', 'w3'].map(startWorker);
    const [w1, w2, w3] = workers as [Worker, Worker, Worker];
    let churning = true;
    // The simulator adds and edits responses while the workers run.
    const churn = (async () => {
      let i = 0;
      while (churning) {
        const a = sim.surveyIds[i % SURVEYS]!;
        const b = sim.surveyIds[(i * 7 + 3) % SURVEYS]!;
        sim.world.add(a, 1);
        sim.world.edit(b, { count: 2 });
        i++;
        await new Promise((r) => setTimeout(r, 200));
      }
    })();
    try {
      // w2 caught with an export pending (started, not yet loaded) on a survey it holds.
      const victim = await until('w2 in the middle of an export', 40_000, async () => {
        const rows = await sql<{ survey_id: string }>(
          `SELECT l.survey_id FROM qsync.leases l JOIN qsync.sync_state s USING (survey_id)
           WHERE l.holder = 'w2' AND s.pending_progress_id IS NOT NULL LIMIT 1`,
        );
        return rows[0]?.survey_id;
      });
      w2.child.kill('SIGKILL');
      expect((await w2.exit).signal).toBe('SIGKILL');

      // Another worker takes the survey over once the lease has expired, and finishes its export.
      await until('the killed worker’s survey taken over', 40_000, async () => {
        const rows = await sql<{ last_worker: string }>(
          `SELECT last_worker FROM qsync.leases WHERE survey_id = $1 AND last_status = 'success' AND last_worker <> 'w2'`,
          [victim],
        );
        return rows[0]?.last_worker;
      });
      // Every survey synced at least once while the data changed.
      await until('a first sync of every survey', 60_000, async () => {
        const rows = await sql<{ n: number }>(`SELECT count(*)::int AS n FROM qsync.leases WHERE last_status = 'success'`);
        return rows[0]!.n === SURVEYS ? true : undefined;
      });
      churning = false;
      await churn;
      // Then one more successful run of every survey that started after the last change.
      const calm = (await sql<{ t: string }>(`SELECT now()::text AS t`))[0]!.t;
      await until('a sync of every survey after the last change', 60_000, async () => {
        const rows = await sql<{ n: number }>(
          `SELECT count(*)::int AS n FROM qsync.leases WHERE last_status = 'success' AND last_started_at > $1::timestamptz`,
          [calm],
        );
        return rows[0]!.n === SURVEYS ? true : undefined;
      });
      w1.child.kill('SIGTERM');
      w3.child.kill('SIGTERM');
      for (const w of [w1, w3]) expect((await w.exit).code, w.stderr()).toBe(0);
      expect(w1.stderr() + w3.stderr()).toContain(`${victim}: taking over from w2 (its lease expired)`);
    } finally {
      churning = false;
      for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
    }

    // 1. Every survey equals the ground truth, value by value.
    const store = await openStore(url);
    try {
      for (const surveyId of sim.surveyIds) {
        const truth = await groundTruth(sim, surveyId);
        expect(await diffWithTruth(store, surveyId, truth), surveyId).toEqual([]);
      }
    } finally {
      await store.close();
    }

    // 2. No survey was synced by two workers at once: per survey, each run ended before the next began.
    const runs = await sql<{ survey_id: string; kind: string; started_at: Date; finished_at: Date | null; status: string; worker_id: string | null }>(
      `SELECT r.survey_id, r.kind, r.started_at, r.finished_at, r.status, w.worker_id
       FROM qsync.sync_runs r LEFT JOIN qsync.worker_runs w USING (run_id)
       WHERE r.kind IN ('worker', 'responses') ORDER BY r.survey_id, r.kind, r.started_at`,
    );
    const overlaps: string[] = [];
    for (let i = 1; i < runs.length; i++) {
      const [prev, next] = [runs[i - 1]!, runs[i]!];
      if (prev.survey_id !== next.survey_id || prev.kind !== next.kind) continue;
      if (prev.finished_at === null || prev.finished_at > next.started_at) {
        overlaps.push(`${next.survey_id} ${next.kind}: ${prev.worker_id ?? '?'} ${prev.status} until ${prev.finished_at?.toISOString()} overlaps the run started ${next.started_at.toISOString()}`);
      }
    }
    expect(overlaps).toEqual([]);
    const workerRuns = runs.filter((r) => r.kind === 'worker');
    expect(workerRuns.every((r) => r.worker_id !== null)).toBe(true);
    // All three worked; only the killed one left runs behind (marked interrupted by the run that took over).
    expect(new Set(workerRuns.map((r) => r.worker_id))).toEqual(new Set(['w1', 'w2', 'w3']));
    const interrupted = workerRuns.filter((r) => r.status === 'interrupted');
    expect(interrupted.length).toBeGreaterThan(0);
    expect(interrupted.every((r) => r.worker_id === 'w2')).toBe(true);
    expect(runs.filter((r) => r.status === 'running')).toEqual([]);

    // 3. Together the workers stayed within the brand limit: no 429, and no stretch above the limit.
    const stats = (await (await fetch(`${sim.url}/_sim/stats`)).json()) as StatsSnapshot;
    expect(stats.byStatus['429'] ?? 0).toBe(0);
    const perSecond = stats.perSecond.map((s) => ({ t: Date.parse(s.t) / 1000, n: s.total }));
    for (const windowS of [10, 30]) {
      let most = 0;
      for (const s of perSecond) {
        most = Math.max(most, perSecond.filter((o) => o.t >= s.t && o.t < s.t + windowS).reduce((n, o) => n + o.n, 0));
      }
      expect(most, `requests in the busiest ${windowS} s`).toBeLessThanOrEqual((LIMIT * windowS) / 60);
    }
    const span = (perSecond.at(-1)!.t - perSecond[0]!.t + 1) / 60;
    console.log(
      `workers test: ${stats.total} requests in ${(span * 60).toFixed(0)} s (${(stats.total / span).toFixed(0)}/min of ${LIMIT}), ${workerRuns.length} worker runs, ${interrupted.length} interrupted`,
    );
  }, 180_000);
});
