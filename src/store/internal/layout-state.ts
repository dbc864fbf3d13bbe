/**
 * A survey's layout as both stores hold it in memory: built from its `survey_columns` rows, handed out as frozen
 * snapshots, and the checks and type bookkeeping that do not depend on the SQL dialect.
 */
import { StoreError } from '../errors.ts';
import { widen } from '../sql-types.ts';
import type { Layout, LayoutColumn, SqlType, StoreColumn, StoredSurvey } from '../types.ts';

/** The store's live view of one survey's layout; a dialect may add its own caches beside these fields. */
export interface BaseLayoutState {
  surveyId: string;
  tableName: string;
  longAnswers: boolean;
  columns: LayoutColumn[];
  byKey: Map<string, LayoutColumn>;
}

/** What changed in the wide table: SQL names of widened columns and of columns given their first type. */
export interface TypeChanges {
  widened: string[];
  materialized: string[];
}

/** A `survey_columns` row. `is_metadata` is 0/1 in SQLite and a boolean in PostgreSQL. */
export interface ColumnRow {
  column_key: string;
  position: number;
  export_tag: string;
  import_id: string | null;
  question_id: string | null;
  question_type: string | null;
  choice_id: string | null;
  label: string | null;
  is_metadata: number | boolean;
  sql_name: string;
  sql_type: SqlType | null;
}

/** The layout of `survey` from its `survey_columns` rows, in position order. */
export function layoutFromRows(survey: StoredSurvey, rows: readonly ColumnRow[]): BaseLayoutState {
  const columns = rows.map(toColumn);
  return {
    surveyId: survey.id,
    tableName: survey.tableName,
    longAnswers: survey.longAnswers,
    columns,
    byKey: new Map(columns.map((c) => [c.key, c])),
  };
}

/** A frozen copy for callers: later widening does not change what they hold. */
export function snapshot(state: BaseLayoutState): Layout {
  return Object.freeze({
    surveyId: state.surveyId,
    tableName: state.tableName,
    columns: Object.freeze(state.columns.map((c) => Object.freeze({ ...c }))),
  });
}

/** Throws `invalid-input` when a column of `surveyId` has no key or export tag. */
export function checkColumns(surveyId: string, columns: readonly StoreColumn[]): void {
  for (const c of columns) {
    if (typeof c.key !== 'string' || c.key.length === 0 || typeof c.exportTag !== 'string') {
      throw new StoreError('invalid-input', `survey ${surveyId}: a column has no key or export tag`);
    }
  }
}

/** The type hints given with `columns`: key → type. */
export function typeHints(columns: readonly StoreColumn[]): Map<string, SqlType> {
  const hints = new Map<string, SqlType>();
  for (const c of columns) if (c.sqlType) hints.set(c.key, c.sqlType);
  return hints;
}

/**
 * Splits `observed` (key → type of new values) into typed columns that must widen (SQL name → observed type) and
 * columns seen for the first time (with their type). Keys outside the layout are ignored.
 */
export function splitObserved(
  state: BaseLayoutState,
  observed: ReadonlyMap<string, SqlType>,
): { widenBy: Map<string, SqlType>; added: Array<{ col: LayoutColumn; type: SqlType }> } {
  const widenBy = new Map<string, SqlType>();
  const added: Array<{ col: LayoutColumn; type: SqlType }> = [];
  for (const [key, type] of observed) {
    const col = state.byKey.get(key);
    if (!col) continue;
    if (col.sqlType === null) added.push({ col, type });
    else if (widen(col.sqlType, type) !== col.sqlType) widenBy.set(col.sqlName, type);
  }
  return { widenBy, added };
}

function toColumn(r: ColumnRow): LayoutColumn {
  return {
    key: r.column_key,
    exportTag: r.export_tag,
    importId: r.import_id,
    questionId: r.question_id,
    questionType: r.question_type,
    choiceId: r.choice_id,
    label: r.label,
    isMetadata: r.is_metadata === true || r.is_metadata === 1,
    sqlName: r.sql_name,
    sqlType: r.sql_type,
    position: r.position,
  };
}
