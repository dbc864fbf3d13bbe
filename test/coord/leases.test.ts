/**
 * Leases and the worker registry on a real PostgreSQL server: a dead holder's lease is reclaimed after its TTL while
 * a live holder's heartbeat keeps it; concurrent claimers never take the same survey; a release records the run
 * and schedules the next one; a live worker id cannot be reused; a worker whose lease is taken over cancels that
 * survey's sync and records why.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APIUserAbortError, QualtricsClient, type Survey } from '../../src/client/index.ts';
import {
  type CoordDb,
  claimNext,
  heartbeatWorker,
  markWorkerStopped,
  msUntilNextClaimable,
  nextDueInMs,
  registerSurveys,
  registerWorker,
  releaseLease,
  renewLeases,
  runWorker,
  type WorkerEvent,
  WorkerIdInUseError,
} from '../../src/coord/index.ts';
import { makeExportDir } from '../../src/export/index.ts';
import { openStore } from '../../src/store/index.ts';
import type { ExportSource } from '../../src/sync/index.ts';
import { type PostgresServer, startPostgres } from '../support/postgres.ts';
import { connections, prepareDatabase } from './helpers.ts';

let server: PostgresServer;
let url: string;
let dbs: CoordDb[];
let closeAll: () => Promise<void>;
let seq = 0;

/** Fresh survey ids, so that tests sharing the database do not see each other's leases. */
function surveyIds(n: number): string[] {
  seq++;
  return Array.from({ length: n }, (_, i) => `SV_${String(seq).padStart(4, '0')}lease${String(i).padStart(4, '0')}`);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  server = await startPostgres();
  url = await prepareDatabase(server, 'leases');
  ({ dbs, closeAll } = await connections(url, 6));
});

afterAll(async () => {
  await closeAll?.();
  await server?.stop();
});

describe('leases', () => {
  it('a live holder’s heartbeat keeps its lease; once it stops, another worker reclaims it after the TTL', async () => {
    const [a, b] = [dbs[0]!, dbs[1]!];
    const [id] = surveyIds(1) as [string];
    expect(await registerSurveys(a, [id])).toBe(1);
    expect(await registerSurveys(b, [id])).toBe(0);
    const ttl = 1000;
    expect(await claimNext(a, 'w1', ttl, [id])).toEqual({ surveyId: id, failures: 0, previousHolder: null });
    // For two TTLs, w1 renews every 250 ms: w2 never gets the survey.
    for (let i = 0; i < 8; i++) {
      await sleep(250);
      expect(await renewLeases(a, 'w1', ttl, [id])).toEqual(new Set([id]));
      expect(await claimNext(b, 'w2', ttl, [id])).toBeNull();
    }
    // w1 dies: no more heartbeats. Right after its last one the lease still holds; after the TTL w2 takes over.
    expect(await claimNext(b, 'w2', ttl, [id])).toBeNull();
    let claim = null;
    for (let i = 0; i < 100 && claim === null; i++) {
      await sleep(50);
      claim = await claimNext(b, 'w2', ttl, [id]);
    }
    expect(claim).toEqual({ surveyId: id, failures: 0, previousHolder: 'w1' });
    // The old holder's heartbeat and release now find nothing to hold.
    expect(await renewLeases(a, 'w1', ttl, [id])).toEqual(new Set());
    expect(await releaseLease(a, 'w1', id, { status: 'success', error: null, nextDueInMs: 1000 })).toBe(false);
    const rows = await server.sql<{ holder: string }>(`SELECT holder FROM qsync.leases WHERE survey_id = $1`, [id], dbOf(url));
    expect(rows[0]!.holder).toBe('w2');
  });

  it('concurrent claimers take every due survey exactly once (FOR UPDATE SKIP LOCKED)', async () => {
    const ids = surveyIds(40);
    await registerSurveys(dbs[0]!, ids);
    const taken = await Promise.all(
      dbs.map(async (db, i) => {
        const mine: string[] = [];
        for (;;) {
          const claim = await claimNext(db, `c${i}`, 60_000, ids);
          if (!claim) return mine;
          mine.push(claim.surveyId);
        }
      }),
    );
    const all = taken.flat();
    expect(all.length).toBe(ids.length);
    expect(new Set(all)).toEqual(new Set(ids));
    // Nothing is due any more: every survey is held.
    expect(await msUntilNextClaimable(dbs[0]!, ids)).toBeGreaterThan(50_000);
  });

  it('a release records how the run ended and when the survey is due again; failures back off', async () => {
    const db = dbs[0]!;
    const [id] = surveyIds(1) as [string];
    await registerSurveys(db, [id]);
    expect(await msUntilNextClaimable(db, [id])).toBe(0);
    await claimNext(db, 'w1', 60_000, [id]);
    expect(await releaseLease(db, 'w1', id, { status: 'failed', error: 'boom', nextDueInMs: 0 })).toBe(true);
    await claimNext(db, 'w1', 60_000, [id]);
    expect(await releaseLease(db, 'w1', id, { status: 'failed', error: 'boom again', nextDueInMs: 0 })).toBe(true);
    const claim = await claimNext(db, 'w2', 60_000, [id]);
    expect(claim).toEqual({ surveyId: id, failures: 2, previousHolder: null });
    await releaseLease(db, 'w2', id, { status: 'success', error: null, nextDueInMs: 120_000 });
    const [row] = await server.sql<{ last_worker: string; last_status: string; last_error: string | null; failures: number; holder: string | null; due_in_s: number }>(
      `SELECT last_worker, last_status, last_error, failures, holder, extract(epoch FROM next_due_at - now())::float8 AS due_in_s
       FROM qsync.leases WHERE survey_id = $1`,
      [id],
      dbOf(url),
    );
    expect(row).toMatchObject({ last_worker: 'w2', last_status: 'success', last_error: null, failures: 0, holder: null });
    expect(row!.due_in_s).toBeGreaterThan(100);
    expect(row!.due_in_s).toBeLessThanOrEqual(120);
    expect(await claimNext(db, 'w1', 60_000, [id])).toBeNull();
    // The retry schedule: 30 s doubling, capped by the interval; a cancelled run is due at once.
    expect([0, 1, 2, 3, 10].map((f) => nextDueInMs('failed', f, 300_000))).toEqual([30_000, 60_000, 120_000, 240_000, 300_000]);
    expect(nextDueInMs('cancelled', 3, 300_000)).toBe(0);
    expect(nextDueInMs('success', 3, 300_000)).toBe(300_000);
  });
});

describe('worker registry', () => {
  it('refuses a live worker id, naming its host and pid; takes over a stopped or dead one', async () => {
    const db = dbs[0]!;
    const me = { workerId: 'reg-1', host: 'host-a', pid: 101, leaseTtlMs: 500, concurrency: 2 };
    await registerWorker(db, me);
    const other = { ...me, host: 'host-b', pid: 202 };
    await expect(registerWorker(db, other)).rejects.toThrow(WorkerIdInUseError);
    await expect(registerWorker(db, other)).rejects.toThrow(/worker id "reg-1" is in use by pid 101 on host-a \(last heartbeat \d+\.\d s ago\); pick another --id/);
    // Dead (no heartbeat for longer than its TTL): taken over, and the old process learns it at its next heartbeat.
    await sleep(600);
    await registerWorker(db, other);
    expect(await heartbeatWorker(db, me)).toBe(false);
    expect(await heartbeatWorker(db, other)).toBe(true);
    // Stopped cleanly: taken over at once.
    await markWorkerStopped(db, other);
    await registerWorker(db, me);
    expect(await heartbeatWorker(db, me)).toBe(true);
  });
});

describe('runWorker', () => {
  it('a lease taken over mid-sync cancels that sync and records why; a stop releases the leases and the worker', async () => {
    const [id] = surveyIds(1) as [string];
    const store = await openStore(url);
    const db = dbs[5]!;
    // An export that never completes until it is cancelled.
    const exports: ExportSource = {
      open: (_surveyId, _params, hooks = {}) =>
        new Promise((_resolve, reject) => {
          void hooks.onStarted?.('ES_neverdone');
          hooks.signal?.addEventListener('abort', () => reject(new APIUserAbortError()), { once: true });
        }),
    };
    const client = new QualtricsClient({ baseUrl: 'http://127.0.0.1:9', apiToken: 'unused-token-00000000000000000000000', tokenCache: false, env: {} });
    const survey = { id, name: 'Lease test', ownerId: 'UR_1', organizationId: 'org', isActive: true, creationDate: '2024-01-01T00:00:00Z', lastModifiedDate: '2024-01-01T00:00:00Z', questions: {} } satisfies Survey;
    const events: WorkerEvent[] = [];
    const stop = new AbortController();
    // A download left by a killed process of this host: the worker removes it when it starts.
    const tmpDir = mkdtempSync(join(tmpdir(), 'qsync-worker-tmp-'));
    const made = await makeExportDir(tmpDir);
    const dead = Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
    const leftover = made.replace(new RegExp(`-${process.pid}-([A-Za-z0-9]{6})$`), `-${dead}-$1`);
    renameSync(made, leftover);
    const running = runWorker(
      { client, store, db, exports },
      {
        workerId: 'rw-1',
        targets: async () => [{ surveyId: id, survey }],
        leaseTtlMs: 600,
        intervalMs: 60_000,
        concurrency: 1,
        signal: stop.signal,
        onEvent: (e) => events.push(e),
        sync: { tmpDir },
      },
    );
    try {
      const started = await waitFor(() => events.find((e) => e.type === 'claimed'));
      expect(started).toMatchObject({ type: 'claimed', surveyId: id, previousHolder: null });
      expect(existsSync(leftover)).toBe(false);
      // Another worker takes the lease over (as after an expiry): the next heartbeat notices and cancels the sync.
      await server.sql(`UPDATE qsync.leases SET holder = 'thief', expires_at = now() + interval '1 hour' WHERE survey_id = $1`, [id], dbOf(url));
      const finished = await waitFor(() => events.find((e) => e.type === 'finished'));
      expect(events.some((e) => e.type === 'lease-lost' && e.surveyId === id)).toBe(true);
      expect(finished).toMatchObject({ type: 'finished', surveyId: id, nextDueInMs: null, result: { status: 'cancelled' } });
      const run = await store.getRun((finished as { runId: number }).runId);
      expect(run).toMatchObject({ kind: 'worker', status: 'cancelled' });
      expect(run!.error).toMatch(/^lease lost \(not renewed within 600 ms; another worker took the survey over\)$/);
      // The thief's lease is untouched by the loser.
      const [lease] = await server.sql<{ holder: string }>(`SELECT holder FROM qsync.leases WHERE survey_id = $1`, [id], dbOf(url));
      expect(lease!.holder).toBe('thief');
    } finally {
      stop.abort();
      await running;
      await store.close();
      rmSync(tmpDir, { recursive: true, force: true });
    }
    expect(await running).toEqual({ runs: 1, succeeded: 0, failed: 0, cancelled: 1 });
    const [worker] = await server.sql<{ stopped: boolean }>(`SELECT stopped_at IS NOT NULL AS stopped FROM qsync.workers WHERE worker_id = 'rw-1'`, [], dbOf(url));
    expect(worker!.stopped).toBe(true);
  });
});

async function waitFor<T>(probe: () => T | undefined, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error('timed out');
    await sleep(20);
  }
}

function dbOf(u: string): string {
  return decodeURIComponent(new URL(u).pathname.slice(1));
}
