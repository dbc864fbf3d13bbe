/**
 * The write path: one batch of records is COPYed into a temporary staging table, then merged with one set-based
 * statement (merge.ts) into `responses`, the wide table and `answers`, all inside the caller's transaction — the one
 * that also advances the cursor. Records are encoded while earlier chunks travel, so JavaScript and the server work
 * at the same time; a value that needs a wider column stops the COPY, and the batch is staged again once the
 * columns are widened.
 */
import type pg from 'pg';
import { StoreError } from '../errors.ts';
import { quoteIdent } from '../internal/names.ts';
import { checkResponseId, META_COLUMNS, ownValue } from '../internal/row-codec.ts';
import { declaredType } from '../plan-widening.ts';
import { typeOfValue, widen } from '../sql-types.ts';
import type { UpsertResult } from '../store.ts';
import type { SqlType, StoreRecord, StoreValue } from '../types.ts';
import { copyEscape, copyText, NulCharacterError } from './copy.ts';
import { copyCell, copyMeta, typedColumns } from './encode.ts';
import { applyTypes, type LayoutState, loadLayout, pendingTypes } from './layouts.ts';
import { mergeStage } from './merge.ts';
import { ADVISORY_CLASS } from './migrate.ts';
import { NeedsWidening, stageChunks, stagePlan, UnknownKey } from './stage-encoder.ts';
import { lockSurvey } from './surveys.ts';

const META = META_COLUMNS.map((m) => m.column);
const META_STAGE_DDL = META_COLUMNS.map((m) => `${m.column} ${declaredType('postgres', m.type)}`).join(', ');

/**
 * Upserts one batch; see `StoreTx.upsertResponses`. `state` is the store's cached layout; when the batch needs new
 * or wider columns it is reloaded under the survey's row lock and updated in place. `stage` names the temporary
 * staging table (unique per call within the session).
 */
export async function upsertResponses(
  db: pg.ClientBase,
  state: LayoutState,
  records: readonly StoreRecord[],
  now: string,
  stage: string,
): Promise<UpsertResult> {
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
  if (unique.length === 0) return result;
  const stageName = quoteIdent(stage);
  // Writers of one survey take turns until commit: the merge's probe then sees every stored response, which is what
  // lets it insert the responses it does not find without ON CONFLICT. The savepoint lets a COPY stopped for
  // widening be undone alone.
  const lock = `SELECT pg_advisory_xact_lock(${ADVISORY_CLASS}, hashtext(current_schema() || ${db.escapeLiteral(`:responses:${surveyId}`)}));`;
  for (let attempt = 0; ; attempt++) {
    const wide = typedColumns(state);
    await db.query(
      `${attempt === 0 ? lock : ''} SAVEPOINT qsync_stage; CREATE TEMP TABLE ${stageName} (response_id text, ${META_STAGE_DDL},
         values_json json, labels_json json, row_hash text${wide.map((c, i) => `, w${i} ${declaredType('postgres', c.sqlType)}`).join('')})
       ON COMMIT DROP`,
    );
    const columns = ['response_id', ...META, 'values_json', 'labels_json', 'row_hash', ...wide.map((_, i) => `w${i}`)];
    try {
      const chunks = stageChunks(stagePlan(state.columns), unique, (err, rec) => recordError(err, state, rec));
      await copyText(db, `COPY ${stageName} (${columns.join(', ')}) FROM STDIN`, chunks);
      break;
    } catch (err) {
      if (!(err instanceof NeedsWidening)) throw copyError(err, state, unique, wide);
      if (attempt > 0) throw new StoreError('invalid-input', `survey ${surveyId}: a value still does not fit its column after widening`);
    }
    await db.query('ROLLBACK TO SAVEPOINT qsync_stage');
    Object.assign(result, await widenFor(db, state, unique, now));
  }
  Object.assign(result, await mergeStage(db, state, stageName, unique.length, now));
  await db.query(`DROP TABLE ${stageName}`);
  return result;
}

/**
 * Widens and adds the columns `records` need. Another process may have changed the layout since we cached it, so
 * it is reloaded under the survey's row lock before deciding.
 */
async function widenFor(
  db: pg.ClientBase,
  state: LayoutState,
  records: readonly StoreRecord[],
  now: string,
): Promise<Pick<UpsertResult, 'widened' | 'materialized'>> {
  await lockSurvey(db, state.surveyId);
  Object.assign(state, await loadLayout(db, state.surveyId));
  return applyTypes(db, state, pendingTypes(state, observeTypes(state, records)), now);
}

/** What an encoding error of `rec` becomes: a one-line `StoreError` for a NUL character or a key outside the layout. */
function recordError(err: unknown, state: LayoutState, rec: StoreRecord): unknown {
  if (err instanceof NulCharacterError) return nulError(state, rec);
  if (err instanceof UnknownKey) return unknownKey(state, rec);
  return err;
}

function unknownKey(state: LayoutState, rec: StoreRecord): StoreError {
  const key = Object.keys(rec.values).find((k) => rec.values[k] !== undefined && !state.byKey.has(k));
  return new StoreError(
    'invalid-input',
    `survey ${state.surveyId}: response ${rec.responseId} has column key ${JSON.stringify(key)} that is not in the layout; call ensureLayout with it first`,
  );
}

/** The one-line error for a record holding U+0000, naming the first place it is (metadata before columns). */
function nulError(state: LayoutState, rec: StoreRecord): StoreError {
  const holdsNul = (encode: () => unknown) => {
    try {
      encode();
      return false;
    } catch (err) {
      if (err instanceof NulCharacterError) return true;
      throw err;
    }
  };
  let where = 'metadata';
  if (!holdsNul(() => copyEscape(rec.responseId)) && !holdsNul(() => copyMeta(rec.meta ?? {}))) {
    const col = typedColumns(state).find((c) => holdsNul(() => copyCell(c.sqlType, ownValue(rec.values, c.key))));
    if (col) where = `column ${col.sqlName}`;
  }
  return new StoreError(
    'invalid-input',
    `survey ${state.surveyId}: response ${rec.responseId}, ${where}: text contains a NUL character (U+0000), which PostgreSQL cannot store`,
  );
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

/** Key → the join of the column's type and the batch's values, for columns whose type that changes. */
function observeTypes(state: LayoutState, records: readonly StoreRecord[]): Map<string, SqlType> {
  const out = new Map<string, SqlType>();
  for (const col of state.columns) {
    if (col.sqlType === 'text') continue;
    let type: SqlType | null = col.sqlType;
    // A key every object inherits (`constructor`…) is read only from records that have it as their own.
    const inherited = col.key in Object.prototype;
    for (const rec of records) {
      const v: StoreValue | undefined = inherited && !Object.hasOwn(rec.values, col.key) ? undefined : rec.values[col.key];
      if (v === null || v === undefined) continue;
      type = widen(type, typeOfValue(v));
      if (type === 'text') break;
    }
    if (type !== col.sqlType && type !== null) out.set(col.key, type);
  }
  return out;
}

/** A COPY data error (bad value for a column) as a one-line `StoreError` naming the response and column. */
function copyError(
  err: unknown,
  state: LayoutState,
  records: readonly StoreRecord[],
  wide: ReadonlyArray<{ sqlName: string }>,
): unknown {
  const e = err as { code?: unknown; where?: unknown; message?: unknown };
  if (typeof e.code !== 'string' || !e.code.startsWith('22')) return err;
  const m = /line (\d+)(?:, column (\w+))?/.exec(String(e.where ?? ''));
  const rec = m ? records[Number(m[1]) - 1] : undefined;
  const stageColumn = m?.[2];
  const column = stageColumn?.startsWith('w') ? wide[Number(stageColumn.slice(1))]?.sqlName : stageColumn;
  const where = [rec && `response ${rec.responseId}`, column && `column ${column}`].filter(Boolean).join(', ');
  return new StoreError(
    'invalid-input',
    `survey ${state.surveyId}: ${where ? `${where}: ` : ''}PostgreSQL rejected a value: ${String(e.message)}`,
    { cause: err },
  );
}
