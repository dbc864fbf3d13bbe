/**
 * One worker (`qsync worker`): registers itself, then runs `concurrency` slots that each claim a due survey
 * (leases.ts), sync it with the engine under a `worker` run in `sync_runs`, release it with its next due time, and
 * claim again. A heartbeat renews the worker's row and its leases; a lease found taken over (it expired) cancels
 * that survey's sync, whose export stays pending for the new holder to resume. Stopping (the signal) cancels the
 * syncs, releases their leases due at once, and marks the worker stopped.
 */
import { hostname } from 'node:os';
import type { QualtricsClient } from '../client/index.ts';
import type { Store } from '../store/index.ts';
import {
  type ExportSource,
  pipelineExportSource,
  resolveSyncOptions,
  type SurveySyncResult,
  type SurveyTarget,
  type SyncOptions,
  sweepStaleExports,
  syncSurvey,
} from '../sync/index.ts';
import type { CoordDb } from './connection.ts';
import { type Claim, claimNext, freeLeasesOf, msUntilNextClaimable, recordRun, registerSurveys, releaseLease, renewLeases } from './leases.ts';
import { heartbeatEveryMs, idleWaitMs, nextDueInMs } from './schedule.ts';
import { heartbeatWorker, markWorkerStopped, registerWorker } from './workers.ts';

/** What a worker works with. */
export interface WorkerDeps {
  /** Its client; give it a shared budget (`createSharedBudget`) so that all workers stay within the limits. */
  client: QualtricsClient;
  /** The PostgreSQL store the surveys are synced into. */
  store: Store;
  /** A connection of its own for leases and heartbeats (same database and schema as the store). */
  db: CoordDb;
  /** Default: the export pipeline over `client`. */
  exports?: ExportSource;
}

/** Settings of a worker. */
export interface WorkerOptions {
  /** Unique among live workers, e.g. `host-pid` (the CLI's default). */
  workerId: string;
  /** The surveys this worker syncs, with their options; asked at start and every `refreshMs`. */
  targets: (signal: AbortSignal) => Promise<readonly SurveyTarget[]>;
  /** Time from a successful run of a survey to its next (ms). Default 300000. */
  intervalMs?: number;
  /** How long a claim holds without a heartbeat (ms); a dead worker's surveys wait this long. Default 60000. */
  leaseTtlMs?: number;
  /** Surveys synced at once by this worker. Default 4. */
  concurrency?: number;
  /** How often the survey list is asked again (ms). Default 600000. */
  refreshMs?: number;
  /** Longest sleep of an idle slot before it looks for due surveys again (ms). Default min(5000, intervalMs). */
  pollMs?: number;
  /** Engine options of every run (`signal` and `onProgress` are the worker's own). */
  sync?: Omit<SyncOptions, 'signal' | 'onProgress' | 'concurrency' | 'fullRefresh'>;
  /** Stops the worker: syncs are cancelled, leases released. */
  signal?: AbortSignal;
  /** What happens, as it happens (for logs). Called synchronously: keep it cheap. */
  onEvent?: (event: WorkerEvent) => void;
  /** Default `os.hostname()` and `process.pid`. */
  host?: string;
  pid?: number;
}

/** Something a worker did. */
export type WorkerEvent =
  | { type: 'started'; workerId: string; surveys: number }
  | { type: 'claimed'; surveyId: string; runId: number; previousHolder: string | null }
  | { type: 'finished'; surveyId: string; runId: number; result: SurveySyncResult; nextDueInMs: number | null }
  | { type: 'lease-lost'; surveyId: string }
  | { type: 'warning'; message: string }
  | { type: 'stopped'; summary: WorkerSummary };

/** Runs a worker did, by outcome. */
export interface WorkerSummary {
  runs: number;
  succeeded: number;
  failed: number;
  cancelled: number;
}

/**
 * Runs a worker until `options.signal` fires (resolves with its summary) or coordination fails: a database error
 * on the worker's connection, or its id taken over by another process (rejects with that error, after stopping).
 */
export async function runWorker(deps: WorkerDeps, options: WorkerOptions): Promise<WorkerSummary> {
  const w = new Worker(deps, options);
  return w.run();
}

class Worker {
  private readonly stop = new AbortController();
  private fatal: { err: unknown } | undefined;
  /** Leases held right now, each with the controller that cancels its sync. */
  private readonly held = new Map<string, AbortController>();
  private targets = new Map<string, SurveyTarget>();
  private readonly summary: WorkerSummary = { runs: 0, succeeded: 0, failed: 0, cancelled: 0 };
  private readonly exports: ExportSource;
  private readonly intervalMs: number;
  private readonly ttlMs: number;
  private readonly pollMs: number;
  private beating = false;
  private readonly me: { workerId: string; host: string; pid: number };

  constructor(
    private readonly deps: WorkerDeps,
    private readonly o: WorkerOptions,
  ) {
    this.exports = deps.exports ?? pipelineExportSource(deps.client);
    this.intervalMs = o.intervalMs ?? 300_000;
    this.ttlMs = o.leaseTtlMs ?? 60_000;
    this.pollMs = o.pollMs ?? Math.min(5000, this.intervalMs);
    this.me = { workerId: o.workerId, host: o.host ?? hostname(), pid: o.pid ?? process.pid };
  }

  async run(): Promise<WorkerSummary> {
    const { db } = this.deps;
    const id = this.o.workerId;
    const concurrency = Math.max(1, Math.trunc(this.o.concurrency ?? 4));
    const onSignal = () => this.stop.abort();
    if (this.o.signal?.aborted) this.stop.abort();
    this.o.signal?.addEventListener('abort', onSignal, { once: true });
    await registerWorker(db, { ...this.me, leaseTtlMs: this.ttlMs, concurrency });
    const timers: NodeJS.Timeout[] = [];
    try {
      // Leases still held under this id belong to an earlier process of ours that died: nobody else can free them.
      await freeLeasesOf(db, id);
      // Its downloads, and those of any other killed process of this host, are left in the temporary directory.
      await sweepStaleExports(resolveSyncOptions(this.o.sync ?? {}));
      await this.refresh();
      this.emit({ type: 'started', workerId: id, surveys: this.targets.size });
      timers.push(setInterval(() => void this.heartbeat(), heartbeatEveryMs(this.ttlMs)));
      timers.push(
        setInterval(
          () => void this.refresh().catch((err) => this.emit({ type: 'warning', message: `survey list not refreshed: ${oneLine(err)}` })),
          this.o.refreshMs ?? 600_000,
        ),
      );
      await Promise.all(Array.from({ length: concurrency }, () => this.slot().catch((err) => this.fail(err))));
    } finally {
      for (const t of timers) clearInterval(t);
      this.o.signal?.removeEventListener('abort', onSignal);
      await markWorkerStopped(db, this.me).catch(() => undefined);
      this.emit({ type: 'stopped', summary: { ...this.summary } });
    }
    if (this.fatal) throw this.fatal.err;
    return this.summary;
  }

  private emit(event: WorkerEvent): void {
    this.o.onEvent?.(event);
  }

  private fail(err: unknown): void {
    this.fatal ??= { err };
    this.stop.abort();
  }

  private async refresh(): Promise<void> {
    const list = await this.o.targets(this.stop.signal);
    this.targets = new Map(list.map((t) => [t.surveyId, t]));
    await registerSurveys(this.deps.db, [...this.targets.keys()]);
  }

  /** Renews the worker's row and its leases; cancels the sync of any lease found taken over. */
  private async heartbeat(): Promise<void> {
    if (this.beating || this.stop.signal.aborted) return;
    this.beating = true;
    try {
      if (!(await heartbeatWorker(this.deps.db, this.me))) {
        this.fail(new Error(`worker id ${JSON.stringify(this.o.workerId)} was taken over by another process (its heartbeat lapsed); stopping`));
        return;
      }
      const sent = [...this.held];
      const kept = await renewLeases(this.deps.db, this.o.workerId, this.ttlMs, sent.map(([surveyId]) => surveyId));
      for (const [surveyId, lease] of sent) {
        // Only the claim the renewal was sent for: the survey may have been released, or claimed again, meanwhile.
        if (!kept.has(surveyId) && this.held.get(surveyId) === lease) {
          this.emit({ type: 'lease-lost', surveyId });
          lease.abort();
        }
      }
    } catch (err) {
      this.fail(err);
    } finally {
      this.beating = false;
    }
  }

  private async slot(): Promise<void> {
    const { db } = this.deps;
    while (!this.stop.signal.aborted) {
      const ids = [...this.targets.keys()];
      const claim = await claimNext(db, this.o.workerId, this.ttlMs, ids);
      if (claim) {
        await this.runClaim(claim);
        continue;
      }
      const until = await msUntilNextClaimable(db, ids);
      await pause(idleWaitMs(until, this.pollMs), this.stop.signal);
    }
  }

  private async runClaim(claim: Claim): Promise<void> {
    const { store, db } = this.deps;
    const { surveyId } = claim;
    const lease = new AbortController();
    const onStop = () => lease.abort();
    this.stop.signal.addEventListener('abort', onStop, { once: true });
    this.held.set(surveyId, lease);
    try {
      const runId = await store.startRun({ surveyId, kind: 'worker' });
      await recordRun(db, this.o.workerId, surveyId, runId);
      this.emit({ type: 'claimed', surveyId, runId, previousHolder: claim.previousHolder });
      const target = this.targets.get(surveyId) ?? { surveyId };
      const result = await syncSurvey(
        { client: this.deps.client, store, exports: this.exports },
        target,
        resolveSyncOptions({ ...this.o.sync, signal: lease.signal }),
      );
      const leaseLost = lease.signal.aborted && !this.stop.signal.aborted;
      this.held.delete(surveyId);
      if (leaseLost) result.error = `lease lost (not renewed within ${this.ttlMs} ms; another worker took the survey over)`;
      await store.finishRun(runId, { status: result.status, error: result.error, requestId: result.requestId });
      let due: number | null = null;
      if (!leaseLost) {
        due = nextDueInMs(result.status, claim.failures, this.intervalMs);
        await releaseLease(db, this.o.workerId, surveyId, { status: result.status, error: result.error, nextDueInMs: due });
      }
      this.summary.runs++;
      if (result.status === 'success') this.summary.succeeded++;
      else if (result.status === 'failed') this.summary.failed++;
      else this.summary.cancelled++;
      this.emit({ type: 'finished', surveyId, runId, result, nextDueInMs: due });
    } finally {
      this.held.delete(surveyId);
      this.stop.signal.removeEventListener('abort', onStop);
    }
  }
}

/** Sleeps `ms`, or less when `signal` fires (never rejects). */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

function oneLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).replace(/\s*\n\s*/g, ' ');
}
