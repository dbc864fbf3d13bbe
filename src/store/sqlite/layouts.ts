/**
 * Survey layouts in SQLite: `survey_columns` rows and the wide table's DDL. Plans come from the pure planners
 * (plan-columns.ts, plan-widening.ts); this module only applies them.
 */
import type Database from 'better-sqlite3';
import { type BaseLayoutState, type ColumnRow, checkColumns, layoutFromRows, splitObserved, type TypeChanges, typeHints } from '../internal/layout-state.ts';
import { planColumns } from '../plan-columns.ts';
import { addColumnSql, planWidening, type WideColumnSpec, wideTableDdl } from '../plan-widening.ts';
import type { LayoutColumn, SqlType, StoreColumn } from '../types.ts';
import { getSurvey, requireSurvey } from './surveys.ts';

export { snapshot, type TypeChanges } from '../internal/layout-state.ts';

/** The store's live view of one survey's layout, with the wide table's prepared statements. */
export interface LayoutState extends BaseLayoutState {
  /** Prepared wide-table statements for the current typed columns; reset to null whenever they change. */
  wide: WideStatements | null;
}

/** The wide table's INSERT and upsert; parameters: response id, synced_at, then the typed columns' cells. */
export interface WideStatements {
  /** Index in `columns` of each typed column, in parameter order. */
  indexes: number[];
  /** Their types, parallel to `indexes`. */
  types: SqlType[];
  insert: Database.Statement;
  upsert: Database.Statement;
}

/** The stored layout of a survey, or null when its wide table does not exist yet. */
export function loadLayout(db: Database.Database, surveyId: string): LayoutState | null {
  const survey = getSurvey(db, surveyId);
  if (!survey || !tableExists(db, survey.tableName)) return null;
  const rows = db
    .prepare(`SELECT * FROM survey_columns WHERE survey_id = ? ORDER BY position`)
    .all(surveyId) as ColumnRow[];
  return { ...layoutFromRows(survey, rows), wide: null };
}

/** Maps and records `columns`, creates the wide table, adds typed columns, applies type hints. */
export function ensureLayout(
  db: Database.Database,
  surveyId: string,
  columns: readonly StoreColumn[],
  now: string,
): LayoutState {
  const survey = requireSurvey(db, surveyId);
  checkColumns(surveyId, columns);
  const existing = db
    .prepare(`SELECT * FROM survey_columns WHERE survey_id = ? ORDER BY position`)
    .all(surveyId) as ColumnRow[];
  const plan = planColumns(
    existing.map((r) => ({ key: r.column_key, sqlName: r.sql_name })),
    columns,
  );
  const insert = db.prepare(
    `INSERT INTO survey_columns (survey_id, column_key, position, export_tag, import_id, question_id, question_type,
       choice_id, label, is_metadata, sql_name, sql_type, added_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  let position = existing.length;
  for (const { column: c, sqlName } of plan.add) {
    const described = [c.importId, c.questionId, c.questionType, c.choiceId, c.label].map((v) => v ?? null);
    insert.run(surveyId, c.key, position++, c.exportTag, ...described, c.isMetadata ? 1 : 0, sqlName, null, now, now);
  }
  const update = db.prepare(
    `UPDATE survey_columns SET export_tag = ?, import_id = ?, question_id = ?, question_type = ?, choice_id = ?,
       label = ?, is_metadata = ?, updated_at = ?
     WHERE survey_id = ? AND column_key = ? AND (export_tag, import_id, question_id, question_type, choice_id, label,
       is_metadata) IS NOT (?, ?, ?, ?, ?, ?, ?)`,
  );
  for (const { column: c } of plan.keep) {
    const described = [c.importId, c.questionId, c.questionType, c.choiceId, c.label].map((v) => v ?? null);
    const meta = [c.exportTag, ...described, c.isMetadata ? 1 : 0];
    update.run(...meta, now, surveyId, c.key, ...meta);
  }
  if (!tableExists(db, survey.tableName)) {
    db.exec(wideTableDdl('sqlite', survey.tableName, []));
  }
  const state = loadLayout(db, surveyId)!;
  applyTypes(db, state, typeHints(columns), now);
  return state;
}

/**
 * Makes every column able to hold `observed` (key → type of new values): widens typed columns (rebuilding the
 * table, keeping its indexes and triggers) and adds columns seen for the first time. Updates `state` in place.
 */
export function applyTypes(
  db: Database.Database,
  state: LayoutState,
  observed: ReadonlyMap<string, SqlType>,
  now: string,
): TypeChanges {
  const changes: TypeChanges = { widened: [], materialized: [] };
  const { widenBy, added } = splitObserved(state, observed);
  const setType = db.prepare(`UPDATE survey_columns SET sql_type = ?, updated_at = ? WHERE survey_id = ? AND column_key = ?`);
  if (widenBy.size > 0) {
    const typed = state.columns.filter((c) => c.sqlType !== null) as Array<LayoutColumn & WideColumnSpec>;
    const plan = planWidening('sqlite', state.tableName, typed, widenBy);
    const extras = db
      .prepare(`SELECT sql FROM sqlite_schema WHERE tbl_name = ? AND type IN ('index', 'trigger') AND sql IS NOT NULL`)
      .pluck()
      .all(state.tableName) as string[];
    for (const statement of plan.statements) db.exec(statement);
    for (const statement of extras) db.exec(statement);
    for (const change of plan.changes) {
      const col = state.columns.find((c) => c.sqlName === change.sqlName)!;
      col.sqlType = change.to;
      setType.run(change.to, now, state.surveyId, col.key);
      changes.widened.push(col.sqlName);
    }
  }
  for (const { col, type } of added) {
    db.exec(addColumnSql('sqlite', state.tableName, { sqlName: col.sqlName, sqlType: type }));
    col.sqlType = type;
    setType.run(type, now, state.surveyId, col.key);
    changes.materialized.push(col.sqlName);
  }
  if (changes.widened.length > 0 || changes.materialized.length > 0) state.wide = null;
  return changes;
}

/** The wide table's declared columns, in table order. */
export function describeTable(db: Database.Database, table: string): Array<{ name: string; declaredType: string }> {
  return db
    .prepare(`SELECT name, type AS declaredType FROM pragma_table_info(?) ORDER BY cid`)
    .all(table) as Array<{ name: string; declaredType: string }>;
}

function tableExists(db: Database.Database, table: string): boolean {
  return db.prepare(`SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?`).get(table) !== undefined;
}
