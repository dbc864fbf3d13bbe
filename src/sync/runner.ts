/**
 * Runs many surveys at once: a bounded pool over `syncSurvey`, all sharing the client's one rate budget and the
 * one store. A survey's failure never stops the others.
 */
import { sweepExportDirs } from '../export/index.ts';
import { pipelineExportSource } from './export-source.ts';
import { type ResolvedSyncOptions, resolveSyncOptions, type SyncDeps, syncSurvey } from './survey-sync.ts';
import type { SurveySyncResult, SurveyTarget, SyncOptions } from './types.ts';

/**
 * Syncs `targets` with at most `options.concurrency` (default 4) at a time. Results come back in the order of
 * `targets`, one per survey, each `success`, `failed` or `cancelled`.
 */
export async function runSync(
  deps: Omit<SyncDeps, 'exports'> & Partial<Pick<SyncDeps, 'exports'>>,
  targets: readonly SurveyTarget[],
  options: SyncOptions = {},
): Promise<SurveySyncResult[]> {
  const resolved = resolveSyncOptions(options);
  await sweepStaleExports(resolved);
  const full: SyncDeps = { client: deps.client, store: deps.store, exports: deps.exports ?? pipelineExportSource(deps.client) };
  const results: SurveySyncResult[] = new Array(targets.length);
  let next = 0;
  const worker = async () => {
    while (next < targets.length) {
      const index = next++;
      results[index] = await syncSurvey(full, targets[index]!, resolved);
    }
  };
  const workers = Array.from({ length: Math.min(resolved.concurrency, targets.length) }, worker);
  await Promise.all(workers);
  return results;
}

/**
 * Removes the temporary export directories that runs killed outright (SIGKILL) left in `tmpDir` (default the OS
 * temporary directory). Called once per `runSync` and once when a worker starts.
 */
export async function sweepStaleExports(options: Pick<ResolvedSyncOptions, 'tmpDir' | 'logger'>): Promise<void> {
  const swept = await sweepExportDirs(options.tmpDir);
  if (swept.length > 0) options.logger.info({}, `removed ${swept.length} temporary export director${swept.length === 1 ? 'y' : 'ies'} left by stopped runs`);
}

/** Totals over surveys, for a summary line. */
export function totalsOf(results: readonly SurveySyncResult[]) {
  const sum = (k: 'exported' | 'inserted' | 'updated' | 'unchanged' | 'deleted') => results.reduce((n, r) => n + r[k], 0);
  return {
    surveys: results.length,
    failed: results.filter((r) => r.status === 'failed').length,
    cancelled: results.filter((r) => r.status === 'cancelled').length,
    exported: sum('exported'),
    inserted: sum('inserted'),
    updated: sum('updated'),
    unchanged: sum('unchanged'),
    deleted: sum('deleted'),
  };
}
