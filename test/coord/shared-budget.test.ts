/**
 * The rate budget shared through PostgreSQL: the pure slot arithmetic equals the client's GCRA, the SQL slowdown
 * equals the client's, reservations on separate connections draw from one bucket, one connection's 429 slows the
 * others (once per congestion event), and two processes drawing as fast as they can stay at the limit together.
 */
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admit, type BucketState, IDLE_BUCKET, limitsFor, slowdownFactor } from '../../src/client/internal/bucket.ts';
import { type CoordDb, factorSql, PgSharedBuckets, slotWaits } from '../../src/coord/index.ts';
import { type PostgresServer, startPostgres } from '../support/postgres.ts';
import { connections, prepareDatabase } from './helpers.ts';

const root = resolve(import.meta.dirname, '../..');
const POLICY = { cooldownMs: 60_000, recoverMs: 60_000, minFactor: 1 / 16 };

let server: PostgresServer;
let url: string;
let dbs: CoordDb[];
let closeAll: () => Promise<void>;

beforeAll(async () => {
  server = await startPostgres();
  url = await prepareDatabase(server, 'budget');
  ({ dbs, closeAll } = await connections(url, 2));
});

afterAll(async () => {
  await closeAll?.();
  await server?.stop();
});

describe('slot arithmetic (pure)', () => {
  it('the waits of a batch equal consecutive GCRA admissions, from idle, busy and overdue buckets', () => {
    const limits = limitsFor(600, 0.8);
    const interval = 60_000 / limits.perMinute;
    for (const [tat0, now, count] of [
      [Number.NEGATIVE_INFINITY, 1000, 12],
      [5000, 1000, 7],
      [900, 1000, 3],
      [1000 + 8 * interval, 1000, 1],
    ] as const) {
      let state: BucketState = Number.isFinite(tat0) ? { tat: tat0 } : IDLE_BUCKET;
      const expected: number[] = [];
      for (let i = 0; i < count; i++) {
        const r = admit(state, now, limits);
        state = r.state;
        expected.push(Math.max(0, r.waitMs));
      }
      const advanced = Math.max(Number.isFinite(tat0) ? tat0 : now, now) + count * interval;
      const waits = slotWaits({ tat: advanced, now, intervalMs: interval }, count, limits.burst);
      expect(waits.map((w) => Math.round(w * 1000))).toEqual(expected.map((w) => Math.round(w * 1000)));
    }
  });
});

describe('PostgreSQL shared buckets', () => {
  it('the SQL slowdown factor equals the client’s slowdownFactor', async () => {
    const cases = [
      { factor: 1, cooldownUntil: 0, now: 5 },
      { factor: 0.5, cooldownUntil: 10_000, now: 5000 },
      { factor: 0.5, cooldownUntil: 10_000, now: 40_000 },
      { factor: 0.25, cooldownUntil: 10_000, now: 100_000 },
    ];
    for (const c of cases) {
      const rows = await server.sql<{ f: number }>(
        `SELECT ${factorSql('d', '$3::float8', '$4::float8')} AS f FROM (SELECT $1::float8 AS factor, $2::float8 AS cooldown_until) d`,
        [c.factor, c.cooldownUntil, c.now, POLICY.recoverMs],
      );
      expect(rows[0]!.f).toBeCloseTo(slowdownFactor({ factor: c.factor, cooldownUntil: c.cooldownUntil }, c.now, POLICY.recoverMs), 12);
    }
  });

  it('two connections draw from one bucket: the burst once, then one slot per interval', async () => {
    const [a, b] = [new PgSharedBuckets(dbs[0]!, 'one-bucket'), new PgSharedBuckets(dbs[1]!, 'one-bucket')];
    const bucket = { name: 'brand', limits: limitsFor(600, 1) };
    const first = await a.reserve(bucket, 6, POLICY);
    const second = await b.reserve(bucket, 6, POLICY);
    expect(first.factor).toBe(1);
    expect(first.waitsMs).toEqual([0, 0, 0, 0, 0, 0]);
    // The burst of 10 is spent by the first four of b; its last two wait about one and two intervals (100 ms each).
    expect(second.waitsMs.slice(0, 4)).toEqual([0, 0, 0, 0]);
    expect(second.waitsMs[4]).toBeGreaterThan(50);
    expect(second.waitsMs[4]).toBeLessThanOrEqual(100);
    expect(second.waitsMs[5]! - second.waitsMs[4]!).toBeCloseTo(100, 6);
    // Another scope (another brand) is another budget: its burst is whole.
    const other = await new PgSharedBuckets(dbs[0]!, 'other-brand').reserve(bucket, 10, POLICY);
    expect(other.waitsMs).toEqual(Array(10).fill(0));
  });

  it('a 429 seen through one connection slows the other, and halves once per congestion event', async () => {
    const [a, b] = [new PgSharedBuckets(dbs[0]!, 'slowdown'), new PgSharedBuckets(dbs[1]!, 'slowdown')];
    const brand = { name: 'brand', limits: limitsFor(600, 1) };
    const group = { name: 'export-responses:start', limits: limitsFor(100, 1) };
    await a.reserve(brand, 1, POLICY);
    await a.penalize([brand, group], 0, POLICY);
    // b never saw the 429, yet the bucket is full: its next brand slot waits one interval at the halved rate (200 ms
    // instead of 100, its burst gone).
    const slowed = await b.reserve(brand, 2, POLICY);
    expect(slowed.factor).toBe(0.5);
    expect(slowed.waitsMs[0]).toBeGreaterThan(150);
    expect(slowed.waitsMs[1]! - slowed.waitsMs[0]!).toBeCloseTo(200, 6);
    // The group bucket was filled too, although nobody had reserved from it yet: one interval of 100/min halved.
    expect((await b.reserve(group, 1, POLICY)).waitsMs[0]).toBeGreaterThan(1000);
    // A 429 of a request sent before that halving (an hour ago) does not halve again; a fresh one does.
    await b.penalize([brand], 3_600_000, POLICY);
    expect((await a.reserve(brand, 1, POLICY)).factor).toBe(0.5);
    await b.penalize([brand], 0, POLICY);
    expect((await a.reserve(brand, 1, POLICY)).factor).toBe(0.25);
    const rows = await server.sql<{ penalties: number }>(`SELECT penalties::int FROM qsync.rate_slowdown WHERE scope = 'slowdown'`, [], dbName(url));
    expect(rows[0]!.penalties).toBe(2);
  });

  it('two processes drawing as fast as they can are admitted at the limit together, not twice it', async () => {
    const perMinute = 1200;
    const ms = 3000;
    const startAt = Date.now() + 4000;
    const child = () =>
      new Promise<number[]>((done, fail) => {
        const p = spawn(process.execPath, ['--import', 'tsx', join(root, 'test/coord/budget-child.ts'), url, 'two-processes', String(perMinute), String(startAt), String(ms)], {
          cwd: root,
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let out = '';
        let err = '';
        p.stdout.on('data', (d: Buffer) => (out += d.toString()));
        p.stderr.on('data', (d: Buffer) => (err += d.toString()));
        p.on('exit', (code) => (code === 0 ? done(JSON.parse(out) as number[]) : fail(new Error(`child exited ${code}: ${err}`))));
      });
    const [a, b] = await Promise.all([child(), child()]);
    const all = [...a, ...b].sort((x, y) => x - y);
    const burst = limitsFor(perMinute, 1).burst;
    // In any stretch of time, together at most the burst plus the limit's worth (one admission of slack for timers).
    for (const windowMs of [500, 1000, ms]) {
      let most = 0;
      for (let i = 0, j = 0; i < all.length; i++) {
        while (all[i]! - all[j]! > windowMs) j++;
        most = Math.max(most, i - j + 1);
      }
      expect(most).toBeLessThanOrEqual(Math.ceil(burst + (windowMs / 60_000) * perMinute) + 1);
    }
    // Both got a fair part, and together they used most of the budget (the limit, not the processes, is the ceiling).
    expect(Math.min(a.length, b.length)).toBeGreaterThan(all.length / 4);
    expect(all.length).toBeGreaterThan(0.6 * ((ms / 60_000) * perMinute));
  }, 30_000);
});

function dbName(u: string): string {
  return decodeURIComponent(new URL(u).pathname.slice(1));
}
