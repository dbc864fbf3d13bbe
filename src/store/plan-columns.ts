/**
 * Pure planning of SQL names: export columns → wide-table column names, survey names → wide-table names.
 * Nothing here touches a database; the store applies the plans (STYLE.md "pure planning apart from I/O").
 */
import { StoreError } from './errors.ts';
import { MAX_IDENTIFIER_BYTES, readableName, slugify, uniqueName } from './internal/names.ts';
import type { StoreColumn } from './types.ts';

/**
 * Columns every wide table has before the export columns (`row_id` in SQLite only); generated names never take
 * these.
 */
export const WIDE_FIXED_COLUMNS: readonly string[] = ['row_id', 'response_id', 'synced_at', 'deleted_at'];

/** Prefix of every wide table. */
export const WIDE_TABLE_PREFIX = 'responses_';

/** An export column already mapped (a row of `survey_columns`). */
export interface MappedColumn {
  key: string;
  sqlName: string;
}

/** An incoming column with the SQL name planned for it. */
export interface PlannedColumn {
  column: StoreColumn;
  sqlName: string;
}

/** What `planColumns` decided. */
export interface ColumnPlan {
  /** Columns seen for the first time, in incoming order, with fresh unique names. */
  add: PlannedColumn[];
  /** Incoming columns already mapped: their stored name is kept even when the export tag changed. */
  keep: PlannedColumn[];
  /** Every key, stored and incoming, → its SQL name (stored columns absent from `incoming` stay mapped). */
  names: Map<string, string>;
}

/**
 * Maps `incoming` columns onto SQL names given the `existing` mapping. Names are readable (the slug of the export
 * tag: `Q3_2_TEXT` → `q3_2_text`; else of the ImportId, else `col`), unique within the table case-insensitively
 * (`q1`, `q1_2`), at most 63 bytes, never a reserved word nor a fixed column (`row_id`, `response_id`,
 * `synced_at`, `deleted_at`), and stable: a key keeps the name it was given first. Throws `StoreError` on a repeated key.
 */
export function planColumns(existing: readonly MappedColumn[], incoming: readonly StoreColumn[]): ColumnPlan {
  const names = new Map<string, string>();
  const taken = new Set<string>(WIDE_FIXED_COLUMNS);
  for (const column of existing) {
    names.set(column.key, column.sqlName);
    taken.add(column.sqlName.toLowerCase());
  }
  const add: PlannedColumn[] = [];
  const keep: PlannedColumn[] = [];
  const seen = new Set<string>();
  for (const column of incoming) {
    if (seen.has(column.key)) {
      throw new StoreError('invalid-input', `column key ${JSON.stringify(column.key)} appears twice in the layout`);
    }
    seen.add(column.key);
    const stored = names.get(column.key);
    if (stored !== undefined) {
      keep.push({ column, sqlName: stored });
      continue;
    }
    const sqlName = uniqueName(readableName([column.exportTag, column.importId, column.key], 'col'), taken);
    names.set(column.key, sqlName);
    add.push({ column, sqlName });
  }
  return { add, keep, names };
}

/**
 * Wide-table name for a survey: `responses_` + the slug of its name (else of its id), at most 63 bytes, made
 * unique against `taken` (every table and view name in the database, compared in lowercase). Called once per
 * survey; the result is stored and kept when the survey is renamed.
 */
export function planTableName(surveyName: string, surveyId: string, taken: Iterable<string>): string {
  const slug = slugify(surveyName) || slugify(surveyId) || 'survey';
  const base = `${WIDE_TABLE_PREFIX}${slug}`.slice(0, MAX_IDENTIFIER_BYTES).replace(/_+$/, '');
  const used = new Set<string>();
  for (const name of taken) used.add(name.toLowerCase());
  return uniqueName(base, used);
}
