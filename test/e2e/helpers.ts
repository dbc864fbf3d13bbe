import { type ClientOptions, QualtricsClient } from '../../src/client/index.ts';
import type { ColumnInfo, ExportRecord, TypedValue } from '../../src/formats/index.ts';
import { type Simulator, type StartSimulatorOptions, startSimulator } from '../../src/sim/index.ts';

/** One line of `GET /_sim/surveys/{id}/responses`: `values` is exactly the json export's `values`. */
export interface TruthLine {
  responseId: string;
  recordedDate: string;
  lastModifiedDate: string;
  values: Record<string, unknown>;
}

/** Stats of `GET /_sim/stats`, as far as these tests read them. */
export interface SimStats {
  total: number;
  byStatus: Record<string, number>;
  routes: Record<string, { total: number; byStatus: Record<string, number> }>;
}

export const ROUTES = {
  token: 'POST /oauth2/token',
  start: 'POST /API/v3/surveys/{surveyId}/export-responses',
  progress: 'GET /API/v3/surveys/{surveyId}/export-responses/{progressId}',
  file: 'GET /API/v3/surveys/{surveyId}/export-responses/{fileId}/file',
  survey: 'GET /API/v3/surveys/{surveyId}',
} as const;

/** A simulator on 127.0.0.1:0 with small, fast exports and limits high enough for functional tests. */
export function startTestSimulator(options: StartSimulatorOptions = {}): Promise<Simulator> {
  return startSimulator({ seed: 21, surveys: 3, responsesPerSurvey: 150, exportDelayMs: 300, brandLimitPerMin: 1e6, rateScale: 1000, ...options });
}

/** A client of the simulator: OAuth by default, fast retries, no token cache on disk. */
export function simClient(sim: Simulator, options: ClientOptions = {}): QualtricsClient {
  return new QualtricsClient({
    baseUrl: sim.url,
    clientId: sim.clientId,
    clientSecret: sim.clientSecret,
    tokenCache: false,
    retryDelayMs: 20,
    env: {},
    ...options,
  });
}

async function control(sim: Simulator, method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${sim.url}/_sim${path}`, {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  });
  if (res.status !== 200) throw new Error(`control ${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

/** Clears faults and stats between scenarios. */
export async function resetSim(sim: Simulator): Promise<void> {
  await control(sim, 'DELETE', '/faults');
  await control(sim, 'DELETE', '/stats');
}

/** Scripts faults (`{match, fault, times?, ms?}` entries, first match wins). */
export async function scriptFaults(sim: Simulator, script: Array<{ match: string; fault: string; times?: number; ms?: number }>): Promise<void> {
  await control(sim, 'POST', '/faults', { script });
}

export async function advanceClock(sim: Simulator, ms: number): Promise<void> {
  await control(sim, 'POST', '/clock', { advanceMs: ms });
}

export async function simStats(sim: Simulator): Promise<SimStats> {
  return (await control(sim, 'GET', '/stats')) as SimStats;
}

/** Requests of one route by status, e.g. `{ '200': 1, '500': 2 }` (empty when none). */
export function routeStatus(stats: SimStats, route: string): Record<string, number> {
  return stats.routes[route]?.byStatus ?? {};
}

export function routeTotal(stats: SimStats, route: string): number {
  return stats.routes[route]?.total ?? 0;
}

export async function groundTruth(sim: Simulator, surveyId: string): Promise<TruthLine[]> {
  const text = await (await fetch(`${sim.url}/_sim/surveys/${surveyId}/responses`)).text();
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as TruthLine);
}

const DATES = new Set(['startDate', 'endDate', 'recordedDate', 'lastModifiedDate']);

/** Two scalars agree when equal, or when one is the other's text (numeric-looking text becomes a number in csv). */
function sameScalar(actual: unknown, expected: unknown): boolean {
  return actual === expected || String(actual) === String(expected);
}

/**
 * Compares one typed value with the ground truth's: dates as instants (`precisionMs` 1000 for files that write
 * whole seconds), `finished` 0/1 as a boolean, arrays element by element, everything else as `sameScalar`.
 * Returns a description of the difference, or undefined.
 */
export function diffValue(key: string, actual: unknown, expected: unknown, precisionMs = 1): string | undefined {
  const show = () => `${key}: got ${JSON.stringify(actual)}, truth ${JSON.stringify(expected)}`;
  if (expected === undefined || expected === null || expected === '') return actual === null || actual === undefined ? undefined : show();
  if (DATES.has(key)) {
    const a = Math.floor(Date.parse(String(actual)) / precisionMs);
    return a === Math.floor(Date.parse(String(expected)) / precisionMs) ? undefined : show();
  }
  if (key === 'finished') return actual === (expected === 1 || expected === true) ? undefined : show();
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) return show();
    return actual.every((v, i) => sameScalar(v, expected[i])) ? undefined : show();
  }
  return sameScalar(actual, expected) ? undefined : show();
}

/** Differences between json/ndjson records and the truth, value by value (keys on both sides). */
export function diffJsonRecords(records: readonly ExportRecord[], truth: readonly TruthLine[]): string[] {
  const problems: string[] = [];
  if (records.length !== truth.length) problems.push(`${records.length} records, truth has ${truth.length}`);
  const byId = new Map(records.map((r) => [r.responseId, r]));
  for (const line of truth) {
    const record = byId.get(line.responseId);
    if (!record) {
      problems.push(`${line.responseId} missing`);
      continue;
    }
    const keys = new Set([...Object.keys(line.values), ...Object.keys(record.values).filter((k) => record.values[k] !== null)]);
    for (const key of keys) {
      const d = diffValue(key, record.values[key], line.values[key]);
      if (d) problems.push(`${line.responseId} ${d}`);
    }
  }
  return problems;
}

/**
 * A csv/tsv (or sav, through `columnsByName`) record mapped back to json-export fields through its column map:
 * breakout choice columns (`choiceId`) gather into arrays of choice ids, `_DO` cells split on `|` into arrays,
 * every other column keeps its ImportId as the field name.
 */
export function tabularToFields(record: ExportRecord, columns: readonly ColumnInfo[], cellOf = (c: ColumnInfo) => record.values[c.key] ?? null): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const column of columns) {
    if (column.isLabelsColumn || !column.importId) continue;
    const value = cellOf(column);
    if (column.choiceId !== null) {
      const list = (fields[column.importId] as TypedValue[] | undefined) ?? [];
      if (value !== null) list.push(/^\d+$/.test(column.choiceId) ? Number(column.choiceId) : column.choiceId);
      fields[column.importId] = list;
    } else if (column.importId.endsWith('_DO')) {
      fields[column.importId] = value === null ? null : String(value).split('|');
    } else {
      fields[column.importId] = value;
    }
  }
  for (const [k, v] of Object.entries(fields)) if (Array.isArray(v) && v.length === 0) fields[k] = null;
  return fields;
}

/** Differences between mapped tabular records and the truth; multi-answer arrays compare as sorted sets. */
export function diffTabular(rows: ReadonlyArray<{ responseId: string | null; fields: Record<string, unknown> }>, truth: readonly TruthLine[], precisionMs: number): string[] {
  const problems: string[] = [];
  if (rows.length !== truth.length) problems.push(`${rows.length} rows, truth has ${truth.length}`);
  const byId = new Map(rows.map((r) => [r.responseId, r.fields]));
  for (const line of truth) {
    const fields = byId.get(line.responseId);
    if (!fields) {
      problems.push(`${line.responseId} missing`);
      continue;
    }
    for (const key of new Set([...Object.keys(line.values), ...Object.keys(fields)])) {
      let expected = line.values[key];
      let actual = fields[key];
      if (!(key in fields)) {
        problems.push(`${line.responseId} ${key}: no column for this field`);
        continue;
      }
      if (Array.isArray(expected) && Array.isArray(actual) && !key.endsWith('_DO')) {
        expected = [...expected].sort();
        actual = [...actual].sort();
      }
      const d = diffValue(key, actual, expected, precisionMs);
      if (d) problems.push(`${line.responseId} ${d}`);
    }
  }
  return problems;
}
