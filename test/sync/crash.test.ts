/**
 * Crash safety (DESIGN.md invariant 2): `qsync sync` of 50,000 responses is killed with SIGKILL at 20 random
 * moments while the simulator keeps adding, editing and deleting responses; after one more uninterrupted run the
 * database equals the ground truth: no loss, no duplicate, no stale edit. The survey synced is the simulator's
 * narrowest template (about 25 columns), to keep the test near a minute on two cores.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/sim/index.ts';
import { diffFileWithTruth, groundTruth, startSim, tempDir } from './helpers.ts';

const root = resolve(import.meta.dirname, '../..');
const KILLS = 20;
const RESPONSES = 50_000;

let sim: Simulator;
let surveyId: string;
let dir: ReturnType<typeof tempDir>;
let config: string;
let db: string;

function start(args: string[]): { child: ChildProcess; exit: Promise<{ code: number | null; signal: string | null; stderr: string }> } {
  const child = spawn(process.execPath, [join(root, 'bin/qsync.js'), 'sync', '--config', config, '--json', ...args], {
    cwd: dir.dir,
    env: { PATH: process.env['PATH'], HOME: dir.dir },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exit = new Promise<{ code: number | null; signal: string | null; stderr: string }>((done) =>
    child.on('exit', (code, signal) => done({ code, signal, stderr })),
  );
  return { child, exit };
}

/**
 * What the database says the killed run was doing: polling an export, downloading it (file id known, no batch
 * committed by this run yet), loading it (batches committed: the run's counts move in the batches' transactions, so
 * the kill came while batches were being written), or something else (starting, snapshot exports, final cursor).
 */
function phaseAfterKill(): string {
  try {
    const conn = new Database(db, { readonly: true });
    try {
      const pending = conn.prepare(`SELECT pending_progress_id AS id, pending_params AS params FROM sync_state`).get() as
        | { id: string | null; params: string | null }
        | undefined;
      const run = conn
        .prepare(`SELECT status, inserted + updated + unchanged AS n FROM sync_runs WHERE kind = 'responses' ORDER BY run_id DESC LIMIT 1`)
        .get() as { status: string; n: number } | undefined;
      if (run?.status === 'running' && run.n > 0) return 'loading';
      if (pending?.params?.includes('"fileId"')) return 'downloading';
      if (pending?.id) return 'polling';
      return 'other';
    } finally {
      conn.close();
    }
  } catch {
    return 'unreadable';
  }
}

/** Random changes in the simulator, every 150 ms, until stopped. */
function churn(): () => void {
  const timer = setInterval(() => {
    sim.world.add(surveyId, 4);
    sim.world.edit(surveyId, { count: 6 });
    sim.world.delete(surveyId, { count: 1 });
  }, 150);
  return () => clearInterval(timer);
}

beforeAll(async () => {
  // Survey 3 of a world uses the third (smallest) template; the others are generated lazily, so they cost nothing.
  ({ sim } = await startSim({ seed: 61, surveys: 3, responsesPerSurvey: RESPONSES, exportDelayMs: 500, rateScale: 10 }));
  surveyId = sim.surveyIds[2]!;
  dir = tempDir('qsync-crash-');
  db = join(dir.dir, 'qsync.db');
  config = join(dir.dir, 'qsync.config.yaml');
  writeFileSync(
    config,
    `connection: { baseUrl: "${sim.url}", apiToken: "${sim.apiToken}", tokenCache: false }
destination: { db: qsync.db }
surveys: [${surveyId}]
reconcileEvery: 3
sync: { batchSize: 2000, tmpDir: . }
`,
  );
});

afterAll(async () => {
  await sim?.close();
  dir?.remove();
});

describe('crash safety', () => {
  it(`SIGKILL at ${KILLS} random moments while the data changes, then one clean run: the database equals the ground truth`, async () => {
    const stop = churn();
    const phases: string[] = [];
    let kills = 0;
    let runs = 0;
    try {
      // The first full sync runs through: its duration bounds the kill times of runs that export everything.
      let began = performance.now();
      const first = await start([]).exit;
      expect(first.code, first.stderr).toBe(0);
      const fullMs = performance.now() - began;
      let incrementalMs = fullMs / 3;
      let upToDate = true;
      while (kills < KILLS && runs < 3 * KILLS) {
        runs++;
        // Every other run re-exports everything, so that kills also land in long downloads and loads; a run after
        // a kill resumes the export left pending, which is long too.
        const fullRefresh = runs % 2 === 0;
        const short = upToDate && !fullRefresh;
        const run = start(fullRefresh ? ['--full-refresh'] : []);
        began = performance.now();
        const timer = setTimeout(() => run.child.kill('SIGKILL'), Math.random() * (short ? incrementalMs : fullMs));
        const { code, signal, stderr } = await run.exit;
        clearTimeout(timer);
        if (signal === 'SIGKILL') {
          kills++;
          upToDate = false;
          phases.push(phaseAfterKill());
        } else {
          expect(code, stderr).toBe(0);
          if (short) incrementalMs = performance.now() - began;
          upToDate = true;
        }
      }
    } finally {
      stop();
    }
    expect(kills).toBe(KILLS);
    const final = await start(['--reconcile']).exit;
    expect(final.code, final.stderr).toBe(0);

    const truth = await groundTruth(sim, surveyId);
    expect(truth.length).toBeGreaterThan(RESPONSES);
    // Every response and value as in Qualtrics, deleted ones marked, one wide row per response: no loss, no
    // duplicate, no stale edit.
    expect(diffFileWithTruth(db, surveyId, truth)).toEqual([]);
    const conn = new Database(db, { readonly: true });
    try {
      expect(conn.prepare(`SELECT count(*) FROM sync_state WHERE pending_progress_id IS NOT NULL`).pluck().get()).toBe(0);
      expect(conn.prepare(`SELECT count(*) FROM sync_runs WHERE status = 'running'`).pluck().get()).toBe(0);
    } finally {
      conn.close();
    }
    // Downloads of the killed runs were swept by the next run: no temporary export directory is left.
    expect(readdirSync(dir.dir).filter((name) => name.startsWith('qsync-export-'))).toEqual([]);
    // Kills landed in the middle of exports, and while batches were being committed.
    expect(phases.filter((p) => p === 'loading').length).toBeGreaterThan(0);
    expect(phases.filter((p) => p === 'downloading' || p === 'loading' || p === 'polling').length).toBeGreaterThanOrEqual(KILLS / 4);
    console.log(`crash test: ${kills} kills in ${runs} runs; phases: ${JSON.stringify(countOf(phases))}`);
  }, 480_000);
});

function countOf(items: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const i of items) out[i] = (out[i] ?? 0) + 1;
  return out;
}
