/**
 * `qsync status`: reads workers, leases, runs and failures from PostgreSQL (writing nothing) and prints them as
 * three tables, or as one JSON document with `--json`.
 */
import { loadConfig } from '../../config/index.ts';
import { openCoordConnection, readStatus, type StatusReport } from '../../coord/index.ts';
import { type CliIo, processIo, table, writeJson } from '../io.ts';
import { coordDatabase, integerFlag } from './coord-db.ts';

/** Parsed flags of `qsync status`. */
export interface StatusFlags {
  db?: string;
  config?: string;
  failures?: string;
  json?: boolean;
}

/** Runs `qsync status`; returns 0. Bad flags throw `UsageError` (exit 2); an unreachable database `StoreError` (1). */
export async function runStatusCommand(flags: StatusFlags, io: CliIo = processIo(), cwd: string = process.cwd()): Promise<number> {
  const config = loadConfig({ path: flags.config, cwd, env: io.env });
  const { target } = coordDatabase(flags.db, config, 'status');
  const failures = integerFlag(flags.failures, '--failures', 20, 1, 1000);
  const db = await openCoordConnection(target);
  try {
    const report = await readStatus(db, target, { failures });
    if (flags.json) writeJson(io.stdout, report);
    else io.stdout.write(statusText(report));
    return 0;
  } finally {
    await db.end().catch(() => undefined);
  }
}

/** The report for people: workers, surveys and failures, each a table (or a line saying there is none). */
export function statusText(report: StatusReport): string {
  const now = Date.parse(report.now);
  const ago = (iso: string | null) => (iso === null ? '' : relative(Date.parse(iso) - now));
  const out: string[] = [`${report.db} (schema ${report.schema})`, ''];
  const alive = report.workers.filter((w) => w.state === 'alive').length;
  const dead = report.workers.filter((w) => w.state === 'dead').length;
  out.push(`Workers: ${alive} alive, ${dead} dead, ${report.workers.length - alive - dead} stopped`);
  if (report.workers.length > 0) {
    out.push(
      table([
        ['worker', 'state', 'host', 'pid', 'leases', 'heartbeat', 'started'],
        ...report.workers.map((w) => [w.workerId, w.state, w.host, String(w.pid), String(w.leases), ago(w.heartbeatAt), ago(w.startedAt)]),
      ]),
    );
  }
  const held = report.surveys.filter((s) => s.holder !== null).length;
  out.push('', `Surveys: ${report.surveys.length}, ${held} held now`);
  if (report.surveys.length > 0) {
    out.push(
      table([
        ['survey', 'name', 'held by', 'lease ends', 'last run', 'by', 'status', 'next due', 'error'],
        ...report.surveys.map((s) => [
          s.surveyId,
          truncate(s.name ?? '', 28),
          s.holder ?? '',
          s.holder === null ? '' : s.leaseExpired ? 'expired' : ago(s.leaseExpiresAt),
          ago(s.lastFinishedAt),
          s.lastWorker ?? '',
          s.lastStatus === null ? 'never run' : s.failures > 1 ? `${s.lastStatus} (${s.failures} in a row)` : s.lastStatus,
          s.holder !== null ? 'running' : ago(s.nextDueAt),
          truncate(s.lastError ?? '', 60),
        ]),
      ]),
    );
  }
  out.push('', `Recent failures: ${report.failures.length === 0 ? 'none' : report.failures.length}`);
  if (report.failures.length > 0) {
    out.push(
      table([
        ['run', 'survey', 'kind', 'status', 'worker', 'started', 'error'],
        ...report.failures.map((f) => [
          String(f.runId),
          f.surveyId ?? '',
          f.kind,
          f.status,
          f.workerId ?? '',
          ago(f.startedAt),
          truncate(`${f.error ?? ''}${f.requestId ? ` (requestId ${f.requestId})` : ''}`, 80),
        ]),
      ]),
    );
  }
  return `${out.join('\n')}\n`;
}

/** A signed offset as "in 4 m" / "12 s ago". */
export function relative(ms: number): string {
  const s = Math.abs(ms) / 1000;
  const text = s < 60 ? `${Math.round(s)} s` : s < 3600 ? `${Math.round(s / 60)} m` : s < 172_800 ? `${Math.round(s / 3600)} h` : `${Math.round(s / 86_400)} d`;
  return ms > 500 ? `in ${text}` : ms < -500 ? `${text} ago` : 'now';
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
