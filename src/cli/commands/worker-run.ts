/**
 * `qsync worker`: config → client over a rate budget shared through PostgreSQL → store and coordination tables →
 * the worker loop (src/coord) until SIGINT/SIGTERM. One line per run on stderr; `--verbose` adds claims and requests.
 */
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { QualtricsClient } from '../../client/index.ts';
import { loadConfig, type QsyncConfig } from '../../config/index.ts';
import {
  type CoordDb,
  createSharedBudget,
  ensureCoordSchema,
  openCoordConnection,
  runWorker,
  type WorkerEvent,
} from '../../coord/index.ts';
import { openStore, type Store } from '../../store/index.ts';
import type { SurveyTarget } from '../../sync/index.ts';
import { UsageError } from '../errors.ts';
import { type CliIo, formatDuration, processIo } from '../io.ts';
import { stderrLogger } from '../log.ts';
import { coordDatabase, integerFlag, secondsFlag } from './coord-db.ts';

/** Parsed flags of `qsync worker`. */
export interface WorkerFlags {
  db?: string;
  config?: string;
  id?: string;
  interval?: string;
  leaseTtl?: string;
  concurrency?: string;
  brandLimit?: string;
  verbose?: boolean;
}

/** Where the stop signals come from (the process; tests may inject an emitter). */
export interface SignalSource {
  on(event: 'SIGINT' | 'SIGTERM', listener: () => void): unknown;
  removeListener(event: 'SIGINT' | 'SIGTERM', listener: () => void): unknown;
}

/**
 * Runs `qsync worker` until SIGINT or SIGTERM; returns the exit code: 0 after a clean stop, 1 when coordination
 * failed (database lost, id taken over), 2 for bad flags or config (thrown as `UsageError`/`ConfigError`).
 */
export async function runWorkerCommand(
  flags: WorkerFlags,
  io: CliIo = processIo(),
  cwd: string = process.cwd(),
  signals: SignalSource = process,
): Promise<number> {
  const config = loadConfig({ path: flags.config, cwd, env: io.env });
  const { url, target } = coordDatabase(flags.db, config, 'worker');
  const intervalMs = secondsFlag(flags.interval, '--interval', 300, 1, 7 * 86_400);
  const leaseTtlMs = secondsFlag(flags.leaseTtl, '--lease-ttl', 60, 1, 3600);
  const concurrency = integerFlag(flags.concurrency, '--concurrency', config.concurrency, 1, 32);
  const brandPerMinute = brandLimit(flags.brandLimit ?? io.env['QSYNC_BRAND_LIMIT']);
  const workerId = workerIdOf(flags.id);
  const logger = stderrLogger(io.stderr, flags.verbose === true);
  // Validates the connection settings before anything is opened; its settings name the budget's scope and share.
  const probe = new QualtricsClient({ ...config.connection, env: io.env });
  const say = (line: string) => io.stderr.write(`qsync worker ${workerId}: ${line}\n`);
  const controller = new AbortController();
  let stops = 0;
  const onSignal = () => {
    stops++;
    if (stops === 1) say('stopping: cancelling syncs (their exports stay pending for the next holder) and releasing leases');
    else say('stopping again: leases are released when they expire');
    controller.abort();
  };
  signals.on('SIGINT', onSignal);
  signals.on('SIGTERM', onSignal);
  let store: Store | undefined;
  const conns: CoordDb[] = [];
  try {
    store = await openStore(url);
    const leaseDb = await openCoordConnection(target);
    conns.push(leaseDb);
    await ensureCoordSchema(leaseDb);
    const budgetDb = await openCoordConnection(target);
    conns.push(budgetDb);
    const rateBudget = createSharedBudget(budgetDb, { scope: probe.settings.baseUrl, share: probe.settings.rateShare, brandPerMinute });
    const client = new QualtricsClient({ ...config.connection, env: io.env, logger, rateBudget });
    const summary = await runWorker(
      { client, store, db: leaseDb },
      {
        workerId,
        targets: (signal) => targetsOf(config, client, signal),
        intervalMs,
        leaseTtlMs,
        concurrency,
        sync: {
          reconcileEvery: config.reconcileEvery,
          batchSize: config.batchSize,
          overlapMs: config.overlapHours * 3_600_000,
          ...(config.tmpDir ? { tmpDir: resolve(cwd, config.tmpDir) } : {}),
          logger,
        },
        signal: controller.signal,
        onEvent: (event) => {
          const line = describe(event, intervalMs, leaseTtlMs, concurrency, flags.verbose === true);
          if (line) say(line);
        },
      },
    );
    say(`stopped after ${summary.runs} runs (${summary.succeeded} ok, ${summary.failed} failed, ${summary.cancelled} cancelled)`);
    return 0;
  } finally {
    signals.removeListener('SIGINT', onSignal);
    signals.removeListener('SIGTERM', onSignal);
    for (const c of conns) await c.end().catch(() => undefined);
    await store?.close().catch(() => undefined);
  }
}

/** One stderr line per event worth a line; claims only with `--verbose`. */
function describe(event: WorkerEvent, intervalMs: number, ttlMs: number, concurrency: number, verbose: boolean): string | null {
  switch (event.type) {
    case 'started':
      return `started: ${event.surveys} surveys, ${concurrency} at a time, every ${intervalMs / 1000} s, lease ${ttlMs / 1000} s`;
    case 'claimed':
      if (event.previousHolder) return `${event.surveyId}: taking over from ${event.previousHolder} (its lease expired)`;
      return verbose ? `${event.surveyId}: claimed (run ${event.runId})` : null;
    case 'finished': {
      const r = event.result;
      const next = event.nextDueInMs === null ? '' : `; next in ${formatDuration(event.nextDueInMs)}`;
      if (r.status === 'success') {
        return `${r.surveyId}: ok, ${r.inserted} new, ${r.updated} updated, ${r.deleted} deleted, ${r.unchanged} unchanged in ${formatDuration(r.durationMs)}${next}`;
      }
      return `${r.surveyId}: ${r.status}: ${r.error ?? 'no error text'}${r.requestId ? ` (requestId ${r.requestId})` : ''}${next}`;
    }
    case 'lease-lost':
      return `${event.surveyId}: lease lost (not renewed in time; another worker may take it over): cancelling its sync`;
    case 'warning':
      return `warning: ${event.message}`;
    case 'stopped':
      return null;
  }
}

/** The config's surveys as targets; `all` asks Qualtrics for every survey the user can see. */
async function targetsOf(config: QsyncConfig, client: QualtricsClient, signal: AbortSignal): Promise<SurveyTarget[]> {
  const { export: exportOptions, answers, inProgress } = config.defaults;
  if (config.surveys !== 'all') {
    return config.surveys.map((s) => ({ surveyId: s.id, export: s.export, longAnswers: s.answers, inProgress: s.inProgress }));
  }
  const targets: SurveyTarget[] = [];
  for await (const s of client.surveys.list({}, { signal })) {
    targets.push({ surveyId: s.id, export: exportOptions, longAnswers: answers, inProgress });
  }
  return targets;
}

function brandLimit(text: string | undefined): number | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0 || n > 1_000_000) {
    throw new UsageError(`--brand-limit (or QSYNC_BRAND_LIMIT) must be a number of requests per minute > 0 (got ${JSON.stringify(text)})`);
  }
  return n;
}

function workerIdOf(flag: string | undefined): string {
  if (flag === undefined) return `${hostname()}-${process.pid}`;
  if (!/^[A-Za-z0-9][A-Za-z0-9._@:-]{0,99}$/.test(flag)) {
    throw new UsageError(`--id must be 1 to 100 letters, digits and . _ @ : - (got ${JSON.stringify(flag)})`);
  }
  return flag;
}
