/**
 * `qsync sync`: config → client → surveys checked against Qualtrics → database opened → surveys synced at once →
 * summary. Nothing is written before the config, the credentials and the survey ids have been checked, so a
 * mistake there leaves the database untouched.
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import { QualtricsClient } from '../../client/index.ts';
import { loadConfig, type QsyncConfig, type SurveyConfig } from '../../config/index.ts';
import { openStore, type Store } from '../../store/index.ts';
import { resolveSurveys, runSync, type SurveySyncResult, type SurveyTarget } from '../../sync/index.ts';
import { UsageError } from '../errors.ts';
import { type CliIo, processIo } from '../io.ts';
import { stderrLogger } from '../log.ts';
import { failureLines, jsonSummary, textSummary } from './sync-output.ts';
import { createProgressView } from './sync-progress.ts';

/** Parsed flags of `qsync sync`. */
export interface SyncFlags {
  config?: string;
  db?: string;
  survey?: string[];
  fullRefresh?: boolean;
  reconcile?: boolean;
  json?: boolean;
  concurrency?: string;
  verbose?: boolean;
}

/** Runs `qsync sync`; returns the exit code (0 all synced, 1 any survey failed, 130 interrupted). */
export async function runSyncCommand(flags: SyncFlags, io: CliIo = processIo(), cwd: string = process.cwd()): Promise<number> {
  const config = loadConfig({ path: flags.config, cwd, env: io.env });
  const only = checkSurveyFlags(flags.survey);
  const concurrency = flags.concurrency === undefined ? config.concurrency : positiveInt(flags.concurrency, '--concurrency');
  const logger = stderrLogger(io.stderr, flags.verbose === true);
  const client = new QualtricsClient({ ...config.connection, env: io.env, logger });
  const controller = new AbortController();
  const onSigint = () => {
    io.stderr.write('qsync: interrupted; stopping (pending exports are resumed by the next run)\n');
    controller.abort();
  };
  process.once('SIGINT', onSigint);
  let store: Store | undefined;
  try {
    const began = performance.now();
    const { targets, failed } = await resolveSurveys(client, selectionOf(config, only), { signal: controller.signal, concurrency });
    if (targets.length === 0) {
      if (failed.length === 0) io.stderr.write('qsync: no surveys to sync (the account has none, or the config lists none)\n');
      return finish(io, flags, failed, null, began, false);
    }
    const db = dbTarget(flags.db, config, cwd);
    store = await openStore(db);
    const progress = createProgressView(
      targets.map((t) => ({ surveyId: t.surveyId, expected: t.survey?.responseCounts?.auditable ?? null })),
      io.stderr.isTTY === true && !flags.json,
    );
    let results: SurveySyncResult[];
    try {
      results = await runSync({ client, store }, targets, {
        concurrency,
        fullRefresh: flags.fullRefresh ?? false,
        reconcile: flags.reconcile ?? false,
        reconcileEvery: config.reconcileEvery,
        batchSize: config.batchSize,
        overlapMs: config.overlapHours * 3_600_000,
        ...(config.tmpDir ? { tmpDir: resolve(cwd, config.tmpDir) } : {}),
        signal: controller.signal,
        onProgress: (e) => progress.update(e),
        logger,
      });
    } finally {
      progress.stop();
    }
    return finish(io, flags, [...results, ...failed], store.target, began);
  } finally {
    process.removeListener('SIGINT', onSigint);
    await store?.close();
  }
}

/** Prints failures (stderr) and the summary (stdout; the table only when some survey was synced). */
function finish(io: CliIo, flags: SyncFlags, results: SurveySyncResult[], db: string | null, began: number, synced = true): number {
  for (const line of failureLines(results)) io.stderr.write(`${line}\n`);
  if (flags.json) io.stdout.write(jsonSummary(results, db));
  else if (synced) io.stdout.write(textSummary(results, db, performance.now() - began));
  if (results.some((r) => r.status === 'cancelled')) return 130;
  return results.every((r) => r.status === 'success') ? 0 : 1;
}

function selectionOf(config: QsyncConfig, only: string[] | undefined) {
  const target = (s: Omit<SurveyConfig, 'id'> & { id?: string }, surveyId: string): SurveyTarget => ({
    surveyId,
    export: s.export,
    longAnswers: s.answers,
    inProgress: s.inProgress,
  });
  const { export: exportOptions, answers, inProgress } = config.defaults;
  return {
    surveys: config.surveys === 'all' ? ('all' as const) : config.surveys.map((s) => target(s, s.id)),
    defaults: { export: exportOptions, longAnswers: answers, inProgress },
    ...(only ? { only } : {}),
  };
}

/** `--db` is relative to the working directory; the config's `db` to the config file's directory. */
function dbTarget(flag: string | undefined, config: QsyncConfig, cwd: string): string {
  const raw = flag ?? config.db;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) || raw === ':memory:' || isAbsolute(raw)) return raw;
  const base = flag === undefined && config.source ? dirname(config.source) : cwd;
  return resolve(base, raw);
}

function checkSurveyFlags(ids: string[] | undefined): string[] | undefined {
  if (!ids || ids.length === 0) return undefined;
  const list = ids.flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);
  const bad = list.filter((id) => !/^SV_[A-Za-z0-9]{11,15}$/.test(id));
  if (bad.length > 0) throw new UsageError(`--survey: ${bad.map((b) => JSON.stringify(b)).join(', ')} ${bad.length === 1 ? 'is not a survey id' : 'are not survey ids'} (SV_ and 11–15 letters or digits)`);
  return list;
}

function positiveInt(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 32) throw new UsageError(`${flag} must be an integer from 1 to 32 (got ${JSON.stringify(text)})`);
  return n;
}
