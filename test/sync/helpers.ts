/**
 * Shared pieces of the sync tests: a simulator with a client, the simulator's ground truth, and the comparison of a
 * database with it, value by value, in `responses` and in the wide table.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { QualtricsClient } from '../../src/client/index.ts';
import { type Simulator, type StartSimulatorOptions, startSimulator } from '../../src/sim/index.ts';
import type { Store, StoreValue } from '../../src/store/index.ts';

/** One line of `GET /_sim/surveys/{id}/responses`. */
export interface TruthLine {
  responseId: string;
  recordedDate: string | null;
  lastModifiedDate: string;
  values: Record<string, unknown>;
}

/** A simulator on 127.0.0.1:0 with generous rate limits unless told otherwise, and a client for it. */
export async function startSim(options: StartSimulatorOptions = {}): Promise<{ sim: Simulator; client: QualtricsClient }> {
  const sim = await startSimulator({ exportDelayMs: 20, rateScale: 100, brandLimitPerMin: 1e6, ...options });
  return { sim, client: clientFor(sim) };
}

/**
 * A client for `sim` (API token, no token cache, no env) whose rate waits and backoffs pass instantly: its clock
 * jumps ahead by each wait instead. The tests start exports faster than the real per-endpoint limits allow (the
 * simulator's limits are raised to match).
 */
export function clientFor(sim: Simulator, apiToken = sim.apiToken): QualtricsClient {
  let skewMs = 0;
  return new QualtricsClient({
    baseUrl: sim.url,
    apiToken,
    tokenCache: false,
    env: {},
    clock: { now: () => Date.now() + skewMs },
    sleep: async (ms) => {
      skewMs += Math.max(0, ms);
    },
  });
}

/** A fresh temporary directory, removed by the returned function. */
export function tempDir(prefix = 'qsync-sync-'): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The simulator's ground truth for a survey: every live completed response. */
export async function groundTruth(sim: Simulator, surveyId: string): Promise<TruthLine[]> {
  const res = await fetch(`${sim.url}/_sim/surveys/${surveyId}/responses`);
  if (!res.ok) throw new Error(`ground truth of ${surveyId}: ${res.status}`);
  return (await res.text())
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as TruthLine);
}

/** Calls the simulator's control API; returns the response ids it reports. */
export async function control(sim: Simulator, surveyId: string, action: 'add' | 'edit' | 'delete', count: number): Promise<string[]> {
  const path = action === 'add' ? 'responses' : `responses/${action}`;
  const res = await fetch(`${sim.url}/_sim/surveys/${surveyId}/${path}`, { method: 'POST', body: JSON.stringify({ count }) });
  if (!res.ok) throw new Error(`control ${action}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { responseIds: string[] }).responseIds;
}

const DATES = new Set(['startDate', 'endDate', 'recordedDate']);

/** A UTC date as a CSV export writes it: whole seconds (truncated), read back as `…:SS.000Z`. */
export function csvDate(iso: string): string {
  return new Date(Math.floor(Date.parse(iso) / 1000) * 1000).toISOString();
}

/**
 * What the CSV export of a ground-truth response holds, keyed like the parsed columns: multi-answer values
 * (`QID2: [1,3]`) become one column per chosen choice (`QID2#1: 1`, `QID2#3: 3`), display orders (`_DO`) are not
 * exported by default, dates lose their milliseconds, `finished` is a boolean, and `LastModifiedDate` is added.
 */
export function expectedCells(line: TruthLine, withLastModified = true): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [key, value] of Object.entries(line.values)) {
    if (key.endsWith('_DO')) continue;
    if (Array.isArray(value)) {
      for (const choice of value) out.set(`${key}#${String(choice)}`, choice);
    } else if (DATES.has(key) && typeof value === 'string') {
      out.set(key, csvDate(value));
    } else if (key === 'finished') {
      out.set(key, value === 1 || value === true);
    } else {
      out.set(key, value);
    }
  }
  if (withLastModified) out.set('lastModifiedDate', csvDate(line.lastModifiedDate));
  return out;
}

/** Equal as stored: identical, or a number written losslessly as the text Qualtrics exported. */
export function sameCell(stored: unknown, expected: unknown): boolean {
  if (stored === undefined) stored = null;
  if (expected === undefined) expected = null;
  if (stored === expected) return true;
  if (typeof stored === 'number' && typeof expected === 'string') return String(stored) === expected;
  if (typeof stored === 'string' && typeof expected === 'number') return stored === String(expected);
  return false;
}

/**
 * Compares a survey in the store with the ground truth, value by value: every live response is stored, not deleted,
 * with `responses.values` and the wide-table row equal to the export of its current version; every other stored
 * response is marked deleted. Returns the differences (empty when exact), at most `limit`. `withLastModified: false`
 * for exports without the LastModifiedDate column (a saved filter rules out sorting by it).
 */
export async function diffWithTruth(
  store: Store,
  surveyId: string,
  truth: TruthLine[],
  { limit = 20, withLastModified = true }: { limit?: number; withLastModified?: boolean } = {},
): Promise<string[]> {
  const problems: string[] = [];
  const note = (p: string) => {
    if (problems.length < limit) problems.push(p);
  };
  const layout = await store.getLayout(surveyId);
  if (!layout) return [`${surveyId}: no layout`];
  const sqlNames = new Map(layout.columns.map((c) => [c.key, c.sqlName]));
  for (const line of truth) {
    const stored = await store.getResponse(surveyId, line.responseId);
    if (!stored) {
      note(`${line.responseId}: missing`);
      continue;
    }
    if (stored.deletedAt !== null) note(`${line.responseId}: marked deleted but live`);
    const expected = expectedCells(line, withLastModified);
    const keys = new Set([...expected.keys(), ...Object.keys(stored.values)]);
    for (const key of keys) {
      const want = expected.get(key) ?? null;
      if (!sameCell(stored.values[key], want)) {
        note(`${line.responseId} values.${key}: stored ${JSON.stringify(stored.values[key])}, truth ${JSON.stringify(want)}`);
      }
      const sqlName = sqlNames.get(key);
      if (sqlName === undefined) {
        if (want !== null) note(`${line.responseId}: no column for ${key}`);
        continue;
      }
      const cell: StoreValue | undefined = stored.wide?.[sqlName];
      if (!sameCell(cell, want)) note(`${line.responseId} wide.${sqlName}: stored ${JSON.stringify(cell)}, truth ${JSON.stringify(want)}`);
    }
    if (withLastModified && stored.meta.lastModifiedDate !== csvDate(line.lastModifiedDate)) {
      note(`${line.responseId} last_modified_date: ${stored.meta.lastModifiedDate} vs ${line.lastModifiedDate}`);
    }
  }
  const live = await store.countResponses(surveyId);
  if (live !== truth.length) note(`${surveyId}: ${live} live responses stored, truth has ${truth.length}`);
  return problems;
}

/**
 * `diffWithTruth` over the database file directly, in three queries instead of two per response: for the large
 * crash test. Same rules; wide cells are decoded by their column's logical type (booleans are stored as 1/0).
 */
export function diffFileWithTruth(dbPath: string, surveyId: string, truth: TruthLine[], limit = 20): string[] {
  const problems: string[] = [];
  const note = (p: string) => {
    if (problems.length < limit) problems.push(p);
  };
  const db = new Database(dbPath, { readonly: true });
  try {
    const table = db.prepare(`SELECT table_name FROM surveys WHERE survey_id = ?`).pluck().get(surveyId) as string;
    const columns = db.prepare(`SELECT column_key AS key, sql_name AS name, sql_type AS type FROM survey_columns WHERE survey_id = ?`).all(surveyId) as Array<{
      key: string;
      name: string;
      type: string | null;
    }>;
    const rows = new Map(
      (
        db.prepare(`SELECT response_id AS id, values_json AS v, deleted_at AS d, last_modified_date AS m FROM responses WHERE survey_id = ?`).all(surveyId) as Array<{
          id: string;
          v: string;
          d: string | null;
          m: string | null;
        }>
      ).map((r) => [r.id, r]),
    );
    const wide = new Map(
      (db.prepare(`SELECT * FROM "${table.replace(/"/g, '""')}"`).all() as Array<Record<string, unknown>>).map((r) => [r['response_id'] as string, r]),
    );
    const live = new Set<string>();
    for (const line of truth) {
      live.add(line.responseId);
      const row = rows.get(line.responseId);
      const wideRow = wide.get(line.responseId);
      if (!row || !wideRow) {
        note(`${line.responseId}: missing`);
        continue;
      }
      if (row.d !== null) note(`${line.responseId}: marked deleted but live`);
      if (row.m !== csvDate(line.lastModifiedDate)) note(`${line.responseId} last_modified_date: ${row.m} vs ${line.lastModifiedDate}`);
      const values = JSON.parse(row.v) as Record<string, unknown>;
      const expected = expectedCells(line);
      for (const key of new Set([...expected.keys(), ...Object.keys(values)])) {
        if (!sameCell(values[key], expected.get(key) ?? null)) note(`${line.responseId} values.${key}: ${JSON.stringify(values[key])} vs ${JSON.stringify(expected.get(key))}`);
      }
      for (const c of columns) {
        const raw = wideRow[c.name];
        const cell = raw === undefined || raw === null ? null : c.type === 'boolean' ? raw === 1 : raw;
        if (!sameCell(cell, expected.get(c.key) ?? null)) note(`${line.responseId} wide.${c.name}: ${JSON.stringify(cell)} vs ${JSON.stringify(expected.get(c.key))}`);
      }
    }
    for (const [id, row] of rows) if (!live.has(id) && row.d === null) note(`${id}: deleted in Qualtrics but not marked deleted`);
    if (wide.size !== rows.size) note(`${surveyId}: ${wide.size} wide rows for ${rows.size} responses`);
  } finally {
    db.close();
  }
  return problems;
}
