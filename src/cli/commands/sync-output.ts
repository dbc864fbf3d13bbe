/**
 * The summary `qsync sync` prints: a table for people, or JSON (`--json`) with one object per survey.
 */
import { type SurveySyncResult, totalsOf } from '../../sync/index.ts';

/** One survey in `--json` output: the fields first, then the details. */
export function jsonSurvey(r: SurveySyncResult): Record<string, unknown> {
  return {
    surveyId: r.surveyId,
    inserted: r.inserted,
    updated: r.updated,
    deleted: r.deleted,
    unchanged: r.unchanged,
    durationMs: r.durationMs,
    status: r.status,
    name: r.name,
    mode: r.mode,
    resumed: r.resumed,
    exported: r.exported,
    restored: r.restored,
    inProgress: r.inProgress,
    reconciled: r.reconciled,
    error: r.error,
    requestId: r.requestId,
  };
}

/** The `--json` document: `{ ok, db, surveys: [...] }`. */
export function jsonSummary(results: readonly SurveySyncResult[], db: string | null): string {
  const ok = results.every((r) => r.status === 'success');
  return `${JSON.stringify({ ok, db, surveys: results.map(jsonSurvey) })}\n`;
}

const HEADERS = ['survey', 'name', 'mode', 'inserted', 'updated', 'deleted', 'unchanged', 'time', 'status'];

/** A fixed-width table, one row per survey, and a totals line. */
export function textSummary(results: readonly SurveySyncResult[], db: string | null, wallMs: number): string {
  const rows = results.map((r) => [
    r.surveyId,
    truncate(r.name ?? '', 32),
    r.mode ? `${r.mode}${r.resumed ? ' (resumed)' : ''}${r.reconciled ? ' +reconcile' : ''}` : '-',
    n(r.inserted),
    n(r.updated),
    n(r.deleted),
    n(r.unchanged),
    seconds(r.durationMs),
    r.status,
  ]);
  const widths = HEADERS.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const numeric = new Set([3, 4, 5, 6, 7]);
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (numeric.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const t = totalsOf(results);
  const where = db ? ` into ${db}` : '';
  const tail =
    `${t.surveys} survey${t.surveys === 1 ? '' : 's'}${where} in ${seconds(wallMs)}: ${n(t.inserted)} inserted, ` +
    `${n(t.updated)} updated, ${n(t.deleted)} deleted, ${n(t.unchanged)} unchanged; ${t.failed} failed` +
    (t.cancelled ? `, ${t.cancelled} cancelled` : '');
  return `${[line(HEADERS), ...rows.map(line), tail].join('\n')}\n`;
}

/** One stderr line per failed survey. */
export function failureLines(results: readonly SurveySyncResult[]): string[] {
  return results
    .filter((r) => r.status !== 'success')
    .map((r) => {
      const error = r.error ?? 'unknown error';
      const requestId = r.requestId && !error.includes(r.requestId) ? ` (requestId ${r.requestId})` : '';
      return `qsync: survey ${r.surveyId} ${r.status}: ${error}${requestId}`;
    });
}

function n(v: number): string {
  return v.toLocaleString('en-US');
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
