/**
 * `qsync status` on a real PostgreSQL server: the `--json` report (workers alive, dead or stopped by heartbeat;
 * leases held and expired; last and next run per survey; recent failures with their worker), the tables for
 * people, and one-line errors for a bad `--db` (never showing a password).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runStatusCommand, type StatusFlags, statusText } from '../../src/cli/commands/status-run.ts';
import { exitCodeFor, formatError } from '../../src/cli/errors.ts';
import {
  claimNext,
  openCoordConnection,
  coordTarget,
  readStatus,
  recordRun,
  registerSurveys,
  registerWorker,
  releaseLease,
  type StatusReport,
  markWorkerStopped,
} from '../../src/coord/index.ts';
import { openStore } from '../../src/store/index.ts';
import { runCli } from '../e2e/run-cli.ts';
import { type PostgresServer, startPostgres } from '../support/postgres.ts';
import { prepareDatabase } from './helpers.ts';

const [HELD, EXPIRED, FAILED, NEVER] = ['SV_status0000000held', 'SV_status00000expired', 'SV_status000000failed', 'SV_status0000000never'];

let server: PostgresServer;
let url: string;
let dir: string;

beforeAll(async () => {
  server = await startPostgres();
  url = await prepareDatabase(server, 'status');
  dir = mkdtempSync(join(tmpdir(), 'qsync-status-'));
  const db = await openCoordConnection(coordTarget(url));
  const store = await openStore(url);
  try {
    await registerSurveys(db, [HELD, EXPIRED, FAILED, NEVER]);
    await registerWorker(db, { workerId: 'alive-1', host: 'h1', pid: 11, leaseTtlMs: 60_000, concurrency: 4 });
    await registerWorker(db, { workerId: 'dead-1', host: 'h2', pid: 22, leaseTtlMs: 1000, concurrency: 2 });
    await registerWorker(db, { workerId: 'gone-1', host: 'h3', pid: 33, leaseTtlMs: 60_000, concurrency: 1 });
    await markWorkerStopped(db, { workerId: 'gone-1', host: 'h3', pid: 33 });
    // alive-1 failed FAILED once (its worker run and the engine's responses run), then holds HELD now.
    await claimNext(db, 'alive-1', 60_000, [FAILED]);
    const workerRun = await store.startRun({ surveyId: FAILED, kind: 'worker' });
    await recordRun(db, 'alive-1', FAILED, workerRun);
    const responsesRun = await store.startRun({ surveyId: FAILED, kind: 'responses' });
    await store.finishRun(responsesRun, { status: 'failed', error: 'survey not found or not visible to this user', requestId: 'req-123' });
    await store.finishRun(workerRun, { status: 'failed', error: 'survey not found or not visible to this user', requestId: 'req-123' });
    await releaseLease(db, 'alive-1', FAILED, { status: 'failed', error: 'survey not found or not visible to this user', nextDueInMs: 30_000 });
    await claimNext(db, 'alive-1', 60_000, [HELD]);
    // dead-1 died holding EXPIRED: its lease ran out, its run is still marked running.
    await claimNext(db, 'dead-1', 1, [EXPIRED]);
    const deadRun = await store.startRun({ surveyId: EXPIRED, kind: 'worker' });
    await recordRun(db, 'dead-1', EXPIRED, deadRun);
    // A later run of EXPIRED (say by alive-1) found it running and marked it interrupted.
    await server.sql(`UPDATE qsync.workers SET heartbeat_at = now() - interval '1 hour' WHERE worker_id = 'dead-1'`, [], dbOf(url));
    const taken = await store.startRun({ surveyId: EXPIRED, kind: 'worker' });
    await recordRun(db, 'alive-1', EXPIRED, taken);
    await store.finishRun(taken, { status: 'success' });
  } finally {
    await store.close();
    await db.end();
  }
});

afterAll(async () => {
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('qsync status', () => {
  it('--json lists workers by heartbeat, leases, last and next runs, and failures with their worker', async () => {
    const run = await runCli(['status', '--db', url, '--json'], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as StatusReport;
    expect(Object.keys(report)).toEqual(['db', 'schema', 'now', 'workers', 'surveys', 'failures']);
    expect(report.schema).toBe('qsync');
    expect(report.workers.map((w) => [w.workerId, w.state, w.host, w.pid, w.leases])).toEqual([
      ['alive-1', 'alive', 'h1', 11, 1],
      ['dead-1', 'dead', 'h2', 22, 1],
      ['gone-1', 'stopped', 'h3', 33, 0],
    ]);
    expect(Object.keys(report.workers[0]!)).toEqual([
      'workerId', 'host', 'pid', 'state', 'startedAt', 'heartbeatAt', 'stoppedAt', 'heartbeatAgeS', 'leaseTtlMs', 'concurrency', 'leases',
    ]);
    const bySurvey = new Map(report.surveys.map((s) => [s.surveyId, s]));
    expect(bySurvey.get(HELD)).toMatchObject({ holder: 'alive-1', leaseExpired: false, lastStatus: null });
    expect(bySurvey.get(EXPIRED)).toMatchObject({ holder: 'dead-1', leaseExpired: true });
    expect(bySurvey.get(FAILED)).toMatchObject({
      holder: null,
      lastWorker: 'alive-1',
      lastStatus: 'failed',
      lastError: 'survey not found or not visible to this user',
      failures: 1,
    });
    expect(Date.parse(bySurvey.get(FAILED)!.nextDueAt) - Date.parse(report.now)).toBeGreaterThan(20_000);
    expect(bySurvey.get(NEVER)).toMatchObject({ holder: null, lastStatus: null, failures: 0 });
    expect(Object.keys(bySurvey.get(NEVER)!)).toEqual([
      'surveyId', 'name', 'holder', 'claimedAt', 'leaseExpiresAt', 'leaseExpired', 'lastWorker', 'lastStartedAt', 'lastFinishedAt',
      'lastStatus', 'lastError', 'failures', 'nextDueAt',
    ]);
    expect(report.failures.map((f) => [f.surveyId, f.kind, f.status, f.workerId, f.requestId])).toEqual([
      [EXPIRED, 'worker', 'interrupted', 'dead-1', null],
      [FAILED, 'responses', 'failed', 'alive-1', 'req-123'],
      [FAILED, 'worker', 'failed', 'alive-1', 'req-123'],
    ]);
  });

  it('prints tables for people', async () => {
    const db = await openCoordConnection(coordTarget(url));
    try {
      const text = statusText(await readStatus(db, coordTarget(url)));
      expect(text).toContain('Workers: 1 alive, 1 dead, 1 stopped');
      expect(text).toMatch(/alive-1\s+alive\s+h1\s+11\s+1\s+(now|\d+ s ago)\s/);
      expect(text).toMatch(/dead-1\s+dead\s+h2\s+22\s+1\s+1 h ago\s/);
      expect(text).toMatch(new RegExp(`${EXPIRED}\\s+dead-1\\s+expired`));
      expect(text).toMatch(new RegExp(`${FAILED}\\s+\\S.*alive-1\\s+failed\\s+in \\d+ s\\s+survey not found`));
      expect(text).toContain('Recent failures: 3');
      expect(text).toMatch(/responses\s+failed\s+alive-1\s+.*survey not found or not visible to this user \(requestId req-123\)/);
    } finally {
      await db.end();
    }
  });

  it('a database where no worker ever ran: empty workers and surveys, failures from sync_runs', async () => {
    const bare = await server.createDatabase('bare');
    await (await openStore(bare)).close();
    const run = await runCli(['status', '--db', bare, '--json'], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ workers: [], surveys: [], failures: [] });
  });

  it('bad --db: one line each, exit 2 for a wrong URL and 1 for an unusable database, no password shown', async () => {
    const role = `status_reader`;
    await server.sql(`CREATE ROLE ${role} LOGIN PASSWORD 'right-pw'`);
    const wrongPassword = server.urlFor({ user: role, password: 'Wr0ng-s3cret', database: dbOf(url) });
    writeFileSync(join(dir, 'qsync.config.yaml'), 'destination: { db: local.db }\n');
    const cases: Array<[StatusFlags, number, RegExp]> = [
      [{ db: 'qsync.db' }, 2, /^qsync: status: workers coordinate through PostgreSQL: --db must be a postgres:\/\/ URL \(got "qsync\.db"\)$/],
      [{}, 2, /^qsync: status: workers coordinate through PostgreSQL: --db must be a postgres:\/\/ URL \(got "local\.db"\)$/],
      [{ db: 'mysql://me:Wr0ng-s3cret@db/x' }, 2, /^qsync: status: .*--db must be a postgres:\/\/ URL \(got "mysql:\/\/me:\*\*\*@db\/x"\)$/],
      [{ db: 'postgres://me:Wr0ng-s3cret@127.0.0.1:99999/x' }, 2, /^qsync: status: malformed PostgreSQL URL postgres:\/\/me:\*\*\*@127\.0\.0\.1:99999\/x: /],
      [{ db: 'postgres://me:Wr0ng-s3cret@127.0.0.1:1/x' }, 1, /^qsync: cannot connect to PostgreSQL at 127\.0\.0\.1:1 .*connection refused/],
      [{ db: wrongPassword }, 1, /^qsync: cannot connect to PostgreSQL at .*password authentication failed/],
      [{ db: server.urlFor({ query: 'schema=nothing_here' }) }, 1, /^qsync: no qsync tables in schema "nothing_here" of postgres:\/\/postgres@/],
      [{ db: url, failures: 'lots' }, 2, /^qsync: --failures must be an integer from 1 to 1000 \(got "lots"\)$/],
    ];
    for (const [flags, code, pattern] of cases) {
      const run = await statusInProcess(flags);
      const label = JSON.stringify(flags);
      expect(run.code, `${label}: ${run.stderr}`).toBe(code);
      expect(run.stderr.trimEnd().split('\n'), label).toHaveLength(1);
      expect(run.stderr.trimEnd(), label).toMatch(pattern);
      expect(run.stderr).not.toContain('Wr0ng-s3cret');
      expect(run.stdout).toBe('');
    }
    // The same through the real CLI, for status and for worker.
    const [status, worker] = await Promise.all([
      runCli(['status', '--db', wrongPassword], { cwd: dir }),
      runCli(['worker', '--db', 'mysql://me:Wr0ng-s3cret@db/x'], { cwd: dir }),
    ]);
    expect([status.code, status.stderr]).toEqual([1, expect.stringMatching(/^qsync: cannot connect to PostgreSQL at .*password authentication failed.*\n$/)]);
    expect([worker.code, worker.stderr]).toEqual([2, `qsync: worker: workers coordinate through PostgreSQL: --db must be a postgres:// URL (got "mysql://me:***@db/x")\n`]);
  }, 60_000);
});

/** `qsync status` in this process, as the CLI entry point reports it: exit code, one stderr line on error. */
async function statusInProcess(flags: StatusFlags): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  const out = new PassThrough();
  out.on('data', (d: Buffer) => (stdout += d.toString()));
  const io = { stdout: out, stderr: { write: () => true }, env: {} };
  try {
    const code = await runStatusCommand(flags, io, dir);
    return { code, stdout, stderr: '' };
  } catch (err) {
    return { code: exitCodeFor(err), stdout, stderr: `qsync: ${formatError(err)}\n` };
  }
}

function dbOf(u: string): string {
  return decodeURIComponent(new URL(u).pathname.slice(1));
}
