/**
 * The write path: one batch of records into `responses`, the wide table and `answers`, inside the caller's
 * transaction. Stored rows are looked up once per chunk; identical content (same row hash) and older versions (an
 * earlier `last_modified_date` than the stored one) are skipped without a write; new rows take a plain INSERT,
 * changed ones an upsert; statements are prepared once.
 */
import type Database from 'better-sqlite3';
import { encodeBatch } from '../internal/batch-encoder.ts';
import { quoteIdent } from '../internal/names.ts';
import {
  cellText,
  checkResponseId,
  encodeCell,
  encodeMeta,
  isOlder,
  META_COLUMNS,
  ownValue,
  rowHash,
} from '../internal/row-codec.ts';
import type { UpsertResult } from '../store.ts';
import type { SqlType, StoreRecord, StoreValue } from '../types.ts';
import { applyTypes, type LayoutState, type WideStatements } from './layouts.ts';

/** Records encoded and written per step (see `upsertResponses`). */
const CHUNK = 256;

/** Wide-table parameters before the cells: row_id, response_id, synced_at. */
const FIXED = 3;

/** Index of `last_modified_date` in the encoded metadata. */
const LAST_MODIFIED = META_COLUMNS.findIndex((m) => m.field === 'lastModifiedDate');

/** What the lookup returns of a stored response. */
interface StoredRow {
  rowId: number;
  id: string;
  hash: string;
  deletedAt: string | null;
  lastModified: string | null;
}

/** Statements that do not depend on a survey's layout, prepared once per connection. */
export class WriteStatements {
  readonly lookup: Database.Statement;
  readonly insertResponse: Database.Statement;
  readonly upsertResponse: Database.Statement;
  readonly deleteAnswers: Database.Statement;
  readonly insertAnswer: Database.Statement;
  readonly anyInProgress: Database.Statement;
  readonly deleteInProgress: Database.Statement;

  constructor(db: Database.Database) {
    const meta = META_COLUMNS.map((m) => m.column);
    this.lookup = db.prepare(
      `SELECT row_id AS rowId, response_id AS id, row_hash AS hash, deleted_at AS deletedAt,
         last_modified_date AS lastModified FROM responses
       WHERE survey_id = ? AND response_id IN (SELECT value FROM json_each(?))`,
    );
    const insert = `INSERT INTO responses (survey_id, response_id, ${meta.join(', ')}, values_json, labels_json,
         row_hash, synced_at, deleted_at)
       VALUES (?, ?, ${meta.map(() => '?').join(', ')}, ?, ?, ?, ?, NULL)`;
    this.insertResponse = db.prepare(insert);
    this.upsertResponse = db.prepare(
      `${insert} ON CONFLICT (survey_id, response_id) DO UPDATE SET
         ${meta.map((c) => `${c} = excluded.${c}`).join(', ')}, values_json = excluded.values_json,
         labels_json = excluded.labels_json, row_hash = excluded.row_hash, synced_at = excluded.synced_at,
         deleted_at = NULL`,
    );
    this.deleteAnswers = db.prepare(`DELETE FROM answers WHERE survey_id = ? AND response_id = ?`);
    this.insertAnswer = db.prepare(
      `INSERT INTO answers (survey_id, response_id, column_key, import_id, value, label) VALUES (?, ?, ?, ?, ?, ?)`,
    );
    this.anyInProgress = db.prepare(`SELECT 1 FROM in_progress_responses WHERE survey_id = ? LIMIT 1`);
    this.deleteInProgress = db.prepare(`DELETE FROM in_progress_responses WHERE survey_id = ? AND response_id = ?`);
  }
}

/** Upserts one batch; see `StoreTx.upsertResponses`. */
export function upsertResponses(
  db: Database.Database,
  st: WriteStatements,
  state: LayoutState,
  records: readonly StoreRecord[],
  now: string,
): UpsertResult {
  const surveyId = state.surveyId;
  const unique = lastOfEachId(surveyId, records);
  const result: UpsertResult = {
    inserted: 0,
    updated: 0,
    unchanged: 0,
    stale: 0,
    restored: 0,
    duplicates: records.length - unique.length,
    widened: [],
    materialized: [],
  };
  const inProgress = st.anyInProgress.get(surveyId) !== undefined;
  // Chunks keep each step's intermediate strings and arrays short-lived: a whole batch of encoded rows would outlive
  // V8's young generation and cost far more in garbage collection than the extra lookups cost.
  for (let start = 0; start < unique.length; start += CHUNK) {
    writeChunk(db, st, state, unique.slice(start, start + CHUNK), now, inProgress, result);
  }
  // A column may widen twice in one batch (integer → real → text); report it once.
  result.widened = [...new Set(result.widened)];
  return result;
}

/** Encodes, widens if needed, looks up and writes up to `CHUNK` records with distinct ids. */
function writeChunk(
  db: Database.Database,
  st: WriteStatements,
  state: LayoutState,
  records: readonly StoreRecord[],
  now: string,
  inProgress: boolean,
  result: UpsertResult,
): void {
  const surveyId = state.surveyId;
  const batch = encodeBatch(surveyId, state.columns, records);
  if (batch.observed.size > 0) {
    const observed = new Map<string, SqlType>();
    for (const [i, type] of batch.observed) observed.set(state.columns[i]!.key, type);
    const changes = applyTypes(db, state, observed, now);
    result.widened.push(...changes.widened);
    result.materialized.push(...changes.materialized);
  }
  const wide = wideStatements(db, state);
  const existing = new Map<string, StoredRow>();
  const ids = JSON.stringify(records.map((r) => r.responseId));
  for (const row of st.lookup.all(surveyId, ids) as StoredRow[]) existing.set(row.id, row);
  const params: Array<string | number | null> = new Array(FIXED + wide.indexes.length);
  // responses parameters: survey, id, metadata, values_json, labels_json, row_hash, synced_at (reused per row).
  const rp: Array<string | number | null> = new Array(2 + META_COLUMNS.length + 4);
  rp[0] = surveyId;
  rp[rp.length - 1] = now;
  for (const { record, cells, valuesJson } of batch.records) {
    const id = record.responseId;
    const meta = encodeMeta(record.meta, id);
    const prev = existing.get(id);
    // Writers of one survey take turns, but a late one may carry an older export: the newer stored version stays.
    if (prev && isOlder(meta[LAST_MODIFIED], prev.lastModified)) {
      result.unchanged++;
      result.stale++;
      continue;
    }
    const labelsJson = record.labels ? JSON.stringify(record.labels) : null;
    const hash = rowHash(valuesJson, labelsJson, meta);
    if (prev && prev.hash === hash && prev.deletedAt === null) {
      result.unchanged++;
      continue;
    }
    rp[1] = id;
    for (let m = 0; m < meta.length; m++) rp[m + 2] = meta[m]!;
    rp[meta.length + 2] = valuesJson;
    rp[meta.length + 3] = labelsJson;
    rp[meta.length + 4] = hash;
    params[1] = id;
    params[2] = now;
    for (let k = 0; k < wide.indexes.length; k++) {
      params[k + FIXED] = encodeCell(wide.types[k]!, cells[wide.indexes[k]!]);
    }
    if (!prev) {
      result.inserted++;
      params[0] = Number(st.insertResponse.run(rp).lastInsertRowid);
      wide.insert.run(params);
    } else {
      result.updated++;
      if (prev.deletedAt !== null) result.restored++;
      st.upsertResponse.run(rp);
      params[0] = prev.rowId;
      wide.upsert.run(params);
    }
    if (state.longAnswers) writeAnswers(st, state, record, cells, prev !== undefined);
    if (inProgress) st.deleteInProgress.run(surveyId, id);
  }
}

/** The records, keeping only the last copy of a repeated response id (a continuation may repeat one). */
function lastOfEachId(surveyId: string, records: readonly StoreRecord[]): readonly StoreRecord[] {
  const last = new Map<string, number>();
  for (let i = 0; i < records.length; i++) {
    const id = records[i]?.responseId;
    checkResponseId(surveyId, id, i);
    last.set(id, i);
  }
  return last.size === records.length ? records : records.filter((r, i) => last.get(r.responseId) === i);
}

/** The prepared wide-table INSERT and upsert for the layout's current typed columns. */
function wideStatements(db: Database.Database, state: LayoutState): WideStatements {
  if (state.wide) return state.wide;
  const indexes: number[] = [];
  state.columns.forEach((c, i) => {
    if (c.sqlType !== null) indexes.push(i);
  });
  const names = indexes.map((i) => quoteIdent(state.columns[i]!.sqlName));
  const insert = `INSERT INTO ${quoteIdent(state.tableName)} ("row_id", "response_id", "synced_at", "deleted_at"${names.map((n) => `, ${n}`).join('')})
     VALUES (?, ?, ?, NULL${names.map(() => ', ?').join('')})`;
  const sets = [
    '"response_id" = excluded."response_id"',
    '"synced_at" = excluded."synced_at"',
    '"deleted_at" = NULL',
    ...names.map((n) => `${n} = excluded.${n}`),
  ];
  state.wide = {
    indexes,
    types: indexes.map((i) => state.columns[i]!.sqlType!),
    insert: db.prepare(insert),
    upsert: db.prepare(`${insert} ON CONFLICT ("row_id") DO UPDATE SET ${sets.join(', ')}`),
  };
  return state.wide;
}

/** Replaces the response's long-form rows: one per non-metadata column with a value. */
function writeAnswers(
  st: WriteStatements,
  state: LayoutState,
  record: StoreRecord,
  cells: readonly StoreValue[],
  existed: boolean,
): void {
  if (existed) st.deleteAnswers.run(state.surveyId, record.responseId);
  state.columns.forEach((col, i) => {
    const value = col.isMetadata ? null : cellText(cells[i]);
    if (value === null) return;
    const label = cellText(ownValue(record.labels, col.key));
    st.insertAnswer.run(state.surveyId, record.responseId, col.key, col.importId ?? null, value, label);
  });
}
