/**
 * `npm start` / `qsync demo`: the whole sync story in about a minute, offline. A simulator with seeded surveys runs
 * in-process; a full sync fills `qsync-demo.db`; responses are then added, edited and deleted in the simulator and
 * an incremental sync (with reconcile) moves exactly those; a sample query shows the result.
 */
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import Database from 'better-sqlite3';
import { QualtricsClient } from '../client/index.ts';
import { startSimulator } from '../sim/index.ts';
import { openStore, type Store } from '../store/index.ts';
import { resolveSurveys, runSync, type SurveySyncResult, type SurveyTarget, type SyncOptions } from '../sync/index.ts';
import { failureLines, textSummary } from './commands/sync-output.ts';
import { createProgressView } from './commands/sync-progress.ts';
import { stderrLogger } from './log.ts';

/** Options of the demo. */
export interface DemoOptions {
  /** Database file, replaced at start. Default `qsync-demo.db` in the working directory. */
  db?: string;
  /** Generated surveys. Default 4. */
  surveys?: number;
  /** Responses per survey. Default 5000 (20,000 in all). */
  responses?: number;
  /** Simulator seed. Default 7. */
  seed?: number;
  /** Where the story is told. Default stdout. */
  out?: (text: string) => void;
}

/** The changes made between the two syncs, per survey index: added, edited, deleted. */
const CHANGES: ReadonlyArray<{ add: number; edit: number; delete: number }> = [
  { add: 40, edit: 15, delete: 5 },
  { add: 25, edit: 0, delete: 3 },
  { add: 0, edit: 12, delete: 0 },
];

/** Runs the demo; returns the exit code (0 when both syncs succeeded). */
export async function runDemo(options: DemoOptions = {}): Promise<number> {
  const out = options.out ?? ((t: string) => process.stdout.write(t));
  const db = resolve(options.db ?? 'qsync-demo.db');
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(db + suffix, { force: true });
  const surveys = options.surveys ?? 4;
  const perSurvey = options.responses ?? 5000;
  out(`qsync demo: starting a local Qualtrics simulator with ${surveys} surveys × ${perSurvey.toLocaleString('en-US')} responses…\n`);
  const sim = await startSimulator({ seed: options.seed ?? 7, surveys, responsesPerSurvey: perSurvey, exportDelayMs: 400 });
  let store: Store | undefined;
  try {
    const logger = stderrLogger(process.stderr, false);
    const client = new QualtricsClient({ baseUrl: sim.url, apiToken: sim.apiToken, tokenCache: false, env: {}, logger });
    const { targets } = await resolveSurveys(client, { surveys: 'all' });
    store = await openStore(db);
    const sync = (title: string, extra: SyncOptions) => syncStep(title, { client, store: store!, targets, db, out, extra });

    const first = await sync('1. Full sync (first run: every response)', {});
    out(`\n2. Meanwhile in Qualtrics: responses are added, edited and deleted…\n`);
    for (const [i, change] of CHANGES.entries()) {
      const surveyId = sim.surveyIds[i];
      if (!surveyId) continue;
      const did: string[] = [];
      if (change.add) did.push(`${(await control(sim.url, surveyId, 'responses', { count: change.add })).length} added`);
      if (change.edit) did.push(`${(await control(sim.url, surveyId, 'responses/edit', { count: change.edit })).length} edited`);
      if (change.delete) did.push(`${(await control(sim.url, surveyId, 'responses/delete', { count: change.delete })).length} deleted`);
      out(`   ${surveyId}: ${did.join(', ')}\n`);
    }
    const second = await sync('3. Incremental sync (continuation tokens, with --reconcile to find deletions)', { reconcile: true });
    await store.close();
    store = undefined;
    sampleQuery(db, out);
    out(`\nThe database is ${db}; open it with: sqlite3 ${db}\n`);
    return first.every(ok) && second.every(ok) ? 0 : 1;
  } finally {
    await store?.close();
    await sim.close();
  }
}

const ok = (r: SurveySyncResult) => r.status === 'success';

async function syncStep(
  title: string,
  ctx: { client: QualtricsClient; store: Store; targets: SurveyTarget[]; db: string; out: (t: string) => void; extra: SyncOptions },
): Promise<SurveySyncResult[]> {
  ctx.out(`\n${title}\n`);
  const progress = createProgressView(
    ctx.targets.map((t) => ({ surveyId: t.surveyId, expected: t.survey?.responseCounts?.auditable ?? null })),
    process.stderr.isTTY === true,
  );
  const began = performance.now();
  let results: SurveySyncResult[];
  try {
    results = await runSync({ client: ctx.client, store: ctx.store }, ctx.targets, { ...ctx.extra, onProgress: (e) => progress.update(e) });
  } finally {
    progress.stop();
  }
  for (const line of failureLines(results)) process.stderr.write(`${line}\n`);
  ctx.out(textSummary(results, ctx.db, performance.now() - began));
  return results;
}

async function control(baseUrl: string, surveyId: string, path: string, body: unknown): Promise<string[]> {
  const res = await fetch(`${baseUrl}/_sim/surveys/${surveyId}/${path}`, { method: 'POST', body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`simulator control call ${path} failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { responseIds: string[] }).responseIds;
}

/** Prints a sample query over `responses` and `surveys`, and one over a wide table, with their results. */
function sampleQuery(path: string, out: (t: string) => void): void {
  // Read-write so that closing it leaves no -wal/-shm files beside the database.
  const db = new Database(path, { fileMustExist: true });
  try {
    const overview = `SELECT s.name AS survey, s.table_name AS wide_table,
       count(*) FILTER (WHERE r.deleted_at IS NULL) AS live,
       count(r.deleted_at) AS deleted,
       round(avg(r.duration) FILTER (WHERE r.deleted_at IS NULL)) AS avg_seconds
FROM responses r JOIN surveys s USING (survey_id)
GROUP BY s.survey_id ORDER BY s.name`;
    show(out, '4. Sample query over the responses table', overview, db.prepare(overview).all() as Array<Record<string, unknown>>);
    const first = db.prepare(`SELECT survey_id, table_name FROM surveys ORDER BY name LIMIT 1`).get() as
      | { survey_id: string; table_name: string }
      | undefined;
    const channel = first
      ? (db
          .prepare(`SELECT sql_name FROM survey_columns WHERE survey_id = ? AND import_id = 'distributionChannel'`)
          .pluck()
          .get(first.survey_id) as string | undefined)
      : undefined;
    if (first && channel) {
      const wide = `SELECT ${quote(channel)} AS channel, count(*) AS responses
FROM ${quote(first.table_name)} WHERE deleted_at IS NULL
GROUP BY 1 ORDER BY 2 DESC`;
      show(out, '   … and over a wide table (one typed column per export column)', wide, db.prepare(wide).all() as Array<Record<string, unknown>>);
    }
  } finally {
    db.close();
  }
}

function show(out: (t: string) => void, title: string, sql: string, rows: Array<Record<string, unknown>>): void {
  out(`\n${title}:\n\n${sql.replace(/^/gm, '  ')};\n\n`);
  const keys = Object.keys(rows[0] ?? {});
  const cells = rows.map((r) => keys.map((k) => (r[k] === null || r[k] === undefined ? '' : String(r[k]))));
  const widths = keys.map((k, i) => Math.max(k.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => `  ${c.map((v, i) => v.padEnd(widths[i]!)).join('  ').trimEnd()}\n`;
  out(line(keys));
  out(line(widths.map((w) => '-'.repeat(w))));
  for (const c of cells) out(line(c));
}

function quote(identifier: string): string {
  return `"${identifier.replace(/"/g, '""')}"`;
}
