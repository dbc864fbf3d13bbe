/**
 * Survey layouts in PostgreSQL: `survey_columns` rows and the wide table's DDL (`ALTER TABLE … ADD COLUMN`, widening
 * by `ALTER COLUMN … TYPE … USING`). Plans come from the shared pure planners; this module applies them. Layout
 * changes lock the survey's row first, so two processes never add or widen the same survey's columns at once.
 */
import type pg from 'pg';
import { StoreError } from '../errors.ts';
import { type BaseLayoutState, type ColumnRow, checkColumns, layoutFromRows, splitObserved, type TypeChanges, typeHints } from '../internal/layout-state.ts';
import { quoteIdent } from '../internal/names.ts';
import { planColumns } from '../plan-columns.ts';
import { declaredType, planWidening, type WideColumnSpec, wideTableDdl } from '../plan-widening.ts';
import { widen } from '../sql-types.ts';
import type { LayoutColumn, SqlType, StoreColumn } from '../types.ts';
import { getSurvey, lockSurvey } from './surveys.ts';

export { snapshot, type TypeChanges } from '../internal/layout-state.ts';

/** The store's live view of one survey's layout. */
export type LayoutState = BaseLayoutState;

/** PostgreSQL's limit on columns per table; the wide table also has three fixed columns. */
const MAX_TABLE_COLUMNS = 1600;

/** The stored layout of a survey, or null when the survey is unknown or its wide table does not exist yet. */
export async function loadLayout(db: pg.ClientBase, surveyId: string): Promise<LayoutState | null> {
  const survey = await getSurvey(db, surveyId);
  if (!survey || !(await tableExists(db, survey.tableName))) return null;
  const { rows } = await db.query<ColumnRow>(`SELECT * FROM survey_columns WHERE survey_id = $1 ORDER BY position`, [
    surveyId,
  ]);
  return layoutFromRows(survey, rows);
}

/** Maps and records `columns`, creates the wide table, adds typed columns, applies type hints. */
export async function ensureLayout(
  db: pg.ClientBase,
  surveyId: string,
  columns: readonly StoreColumn[],
  now: string,
): Promise<LayoutState> {
  const survey = await lockSurvey(db, surveyId);
  checkColumns(surveyId, columns);
  const { rows: existing } = await db.query<ColumnRow>(
    `SELECT * FROM survey_columns WHERE survey_id = $1 ORDER BY position`,
    [surveyId],
  );
  const plan = planColumns(
    existing.map((r) => ({ key: r.column_key, sqlName: r.sql_name })),
    columns,
  );
  const describe = (c: StoreColumn) => [
    c.key,
    c.exportTag,
    c.importId ?? null,
    c.questionId ?? null,
    c.questionType ?? null,
    c.choiceId ?? null,
    c.label ?? null,
    c.isMetadata === true,
  ];
  if (plan.add.length > 0) {
    const added = plan.add.map(({ column, sqlName }, i) => [...describe(column), sqlName, existing.length + i]);
    await db.query(
      `INSERT INTO survey_columns (column_key, export_tag, import_id, question_id, question_type, choice_id, label,
         is_metadata, sql_name, position, survey_id, sql_type, added_at, updated_at)
       SELECT u.*, $11::text, NULL::text, $12::timestamptz, $12::timestamptz
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::boolean[],
         $9::text[], $10::int[]) AS u`,
      [...transpose(added, 10), surveyId, now],
    );
  }
  if (plan.keep.length > 0) {
    await db.query(
      `UPDATE survey_columns c SET export_tag = u.export_tag, import_id = u.import_id, question_id = u.question_id,
         question_type = u.question_type, choice_id = u.choice_id, label = u.label, is_metadata = u.is_metadata,
         updated_at = $10
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::boolean[])
         AS u (column_key, export_tag, import_id, question_id, question_type, choice_id, label, is_metadata)
       WHERE c.survey_id = $9 AND c.column_key = u.column_key
         AND (c.export_tag, c.import_id, c.question_id, c.question_type, c.choice_id, c.label, c.is_metadata)
           IS DISTINCT FROM (u.export_tag, u.import_id, u.question_id, u.question_type, u.choice_id, u.label, u.is_metadata)`,
      [...transpose(plan.keep.map(({ column }) => describe(column)), 8), surveyId, now],
    );
  }
  if (!(await tableExists(db, survey.tableName))) await db.query(wideTableDdl('postgres', survey.tableName, []));
  const state = (await loadLayout(db, surveyId))!;
  await applyTypes(db, state, typeHints(columns), now);
  return state;
}

/**
 * Key → type each column must widen to (or be created with) so that it holds `observed`; empty when nothing
 * changes. Pure: the caller decides whether to lock and apply.
 */
export function pendingTypes(state: LayoutState, observed: ReadonlyMap<string, SqlType>): Map<string, SqlType> {
  const out = new Map<string, SqlType>();
  for (const [key, type] of observed) {
    const col = state.byKey.get(key);
    if (!col) continue;
    const to = widen(col.sqlType, type);
    if (to !== null && to !== col.sqlType) out.set(key, to);
  }
  return out;
}

/**
 * Makes every column able to hold `observed` (key → type of new values): widens typed columns with one
 * `ALTER TABLE … ALTER COLUMN … TYPE … USING` and adds columns seen for the first time with one `ALTER TABLE … ADD
 * COLUMN …`. Updates `state` in place. The caller holds the survey's row lock (ensureLayout, or the upsert path).
 */
export async function applyTypes(
  db: pg.ClientBase,
  state: LayoutState,
  observed: ReadonlyMap<string, SqlType>,
  now: string,
): Promise<TypeChanges> {
  const changes: TypeChanges = { widened: [], materialized: [] };
  const { widenBy, added } = splitObserved(state, observed);
  const retyped: Array<[string, SqlType]> = [];
  if (widenBy.size > 0) {
    const typed = state.columns.filter((c) => c.sqlType !== null) as Array<LayoutColumn & WideColumnSpec>;
    const plan = planWidening('postgres', state.tableName, typed, widenBy);
    for (const statement of plan.statements) await db.query(statement);
    await respellAsWritten(db, state, plan.changes);
    for (const change of plan.changes) {
      const col = state.columns.find((c) => c.sqlName === change.sqlName)!;
      col.sqlType = change.to;
      retyped.push([col.key, change.to]);
      changes.widened.push(col.sqlName);
    }
  }
  if (added.length > 0) {
    const typedCount = state.columns.filter((c) => c.sqlType !== null).length;
    if (typedCount + added.length + 3 > MAX_TABLE_COLUMNS) {
      throw new StoreError(
        'invalid-input',
        `survey ${state.surveyId}: the wide table ${state.tableName} would need ${typedCount + added.length + 3} columns, more than PostgreSQL's ${MAX_TABLE_COLUMNS}`,
      );
    }
    const adds = added.map(({ col, type }) => `ADD COLUMN ${quoteIdent(col.sqlName)} ${declaredType('postgres', type)}`);
    await db.query(`ALTER TABLE ${quoteIdent(state.tableName)} ${adds.join(', ')}`);
    for (const { col, type } of added) {
      col.sqlType = type;
      retyped.push([col.key, type]);
      changes.materialized.push(col.sqlName);
    }
  }
  if (retyped.length > 0) {
    await db.query(
      `UPDATE survey_columns c SET sql_type = u.sql_type, updated_at = $3
       FROM unnest($1::text[], $2::text[]) AS u (column_key, sql_type)
       WHERE c.survey_id = $4 AND c.column_key = u.column_key`,
      [retyped.map((r) => r[0]), retyped.map((r) => r[1]), now, state.surveyId],
    );
  }
  return changes;
}

/**
 * After `ALTER … TYPE text`, columns that were `json`, `real` or `timestamp` hold PostgreSQL's spelling
 * (`{"a": 1}`, `1.5e-07`, the instant in UTC), not the writer's (`{"a":1}`, `1.5e-7`, the date text as received).
 * Each such cell is re-read from `responses.values_json`, which keeps the
 * value exactly as JavaScript wrote it (type `json` is stored verbatim), so a widened column reads as if it had
 * always been text. Widening is rare; this is one more pass over the wide table when it happens.
 */
async function respellAsWritten(
  db: pg.ClientBase,
  state: LayoutState,
  changes: ReadonlyArray<{ sqlName: string; from: SqlType; to: SqlType }>,
): Promise<void> {
  const exact = changes.filter((c) => c.to === 'text' && c.from !== 'boolean' && c.from !== 'integer');
  if (exact.length === 0) return;
  const keys = exact.map((c) => state.columns.find((col) => col.sqlName === c.sqlName)!.key);
  const names = exact.map((c) => quoteIdent(c.sqlName));
  await db.query(
    `UPDATE ${quoteIdent(state.tableName)} w SET ${names.map((n, i) => `${n} = r.values_json ->> $${i + 2}`).join(', ')}
     FROM responses r
     WHERE r.survey_id = $1 AND r.response_id = w.response_id AND (${names.map((n) => `w.${n} IS NOT NULL`).join(' OR ')})`,
    [state.surveyId, ...keys],
  );
}

/** The wide table's declared columns, in table order, spelled as `declaredType('postgres', …)` spells them. */
export async function describeTable(db: pg.ClientBase, table: string): Promise<Array<{ name: string; declaredType: string }>> {
  const { rows } = await db.query<{ name: string; declaredType: string }>(
    `SELECT a.attname AS name,
       CASE format_type(a.atttypid, a.atttypmod) WHEN 'timestamp with time zone' THEN 'timestamptz'
         ELSE format_type(a.atttypid, a.atttypmod) END AS "declaredType"
     FROM pg_attribute a
     WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped
     ORDER BY a.attnum`,
    [quoteIdent(table)],
  );
  return rows;
}

async function tableExists(db: pg.ClientBase, table: string): Promise<boolean> {
  // Resolved through the search_path, whose one schema is the store's.
  const { rows } = await db.query<{ oid: string | null }>(`SELECT to_regclass($1)::oid AS oid`, [quoteIdent(table)]);
  return rows[0]?.oid != null;
}

/** Rows → one array per column (for `unnest`). */
function transpose(rows: readonly unknown[][], width: number): unknown[][] {
  const out: unknown[][] = Array.from({ length: width }, () => []);
  for (const row of rows) for (let i = 0; i < width; i++) out[i]!.push(row[i]);
  return out;
}
