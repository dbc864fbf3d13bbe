/**
 * Pure planning of wide-table DDL: the declared type of each logical type, the CREATE TABLE, and the statements
 * that widen columns.
 *
 * Decision (SQLite): declared types stay truthful. A widened column is re-declared by rebuilding the table
 * (create a copy with the wider types, copy the rows converting each widened column, drop, rename), which is what
 * SQLite documents for type changes (https://sqlite.org/lang_altertable.html#otheralter) and what PostgreSQL's
 * `ALTER COLUMN … TYPE … USING` does internally: a full rewrite, in the same transaction as the batch that needed
 * it. Values are converted the way the writer would have written them (`true` → `'true'`, `5.0` → `'5'`), so a
 * widened column reads the same as if it had always had the wider type. Both rewrite the table, so widening is
 * rare by design: columns are typed from real values, and text-entry columns get a `text` hint up front.
 * SQLite's own affinities never lose data here: a value is only written into a column whose logical type holds it.
 */
import { quoteIdent } from './internal/names.ts';
import { widen } from './sql-types.ts';
import type { SqlType } from './types.ts';

/** SQL dialects the planners speak. */
export type SqlDialect = 'sqlite' | 'postgres';

/** A wide-table export column as declared (fixed columns excluded). */
export interface WideColumnSpec {
  sqlName: string;
  sqlType: SqlType;
}

/** One column whose type goes up. */
export interface WideningChange {
  sqlName: string;
  from: SqlType;
  to: SqlType;
}

/** The changes and the statements that apply them, in order, inside one transaction. */
export interface WideningPlan {
  changes: WideningChange[];
  statements: string[];
}

const DECLARED: Record<SqlDialect, Record<SqlType, string>> = {
  sqlite: { boolean: 'BOOLEAN', integer: 'INTEGER', real: 'REAL', timestamp: 'TIMESTAMP', json: 'JSON', text: 'TEXT' },
  postgres: {
    boolean: 'boolean',
    integer: 'bigint',
    real: 'double precision',
    timestamp: 'timestamptz',
    json: 'jsonb',
    text: 'text',
  },
};

/** SQL function (registered by the SQLite store) spelling a number as JavaScript's `String(n)` does. */
export const SQLITE_NUMBER_TEXT = 'qsync_number_text';

/** Name of the temporary copy while SQLite rebuilds a wide table. */
const REBUILD_TABLE = 'qsync_widening';

/** Declared SQL type of a logical type, e.g. `('postgres', 'real')` → `double precision`. */
export function declaredType(dialect: SqlDialect, type: SqlType): string {
  return DECLARED[dialect][type];
}

/**
 * `CREATE TABLE` of a wide table: the fixed columns, then `columns` in order.
 *
 * SQLite keys the table by `row_id`, the `row_id` of the response in `responses` (which holds the unique index on
 * (`survey_id`, `response_id`)), instead of a second unique index on `response_id`: response ids are random, so
 * every index on them takes a random page write per new row, and at a million rows that second index halved bulk
 * throughput. `response_id` is still a column of every row. PostgreSQL keys it by `response_id`.
 */
export function wideTableDdl(dialect: SqlDialect, table: string, columns: readonly WideColumnSpec[]): string {
  const stamp = dialect === 'sqlite' ? 'TEXT' : 'timestamptz';
  const key =
    dialect === 'sqlite'
      ? [`${quoteIdent('row_id')} INTEGER PRIMARY KEY`, `${quoteIdent('response_id')} TEXT NOT NULL`]
      : [`${quoteIdent('response_id')} text NOT NULL PRIMARY KEY`];
  const defs = [
    ...key,
    `${quoteIdent('synced_at')} ${stamp} NOT NULL`,
    `${quoteIdent('deleted_at')} ${stamp}`,
    ...columns.map((c) => `${quoteIdent(c.sqlName)} ${declaredType(dialect, c.sqlType)}`),
  ];
  return `CREATE TABLE ${quoteIdent(table)} (${defs.join(', ')})`;
}

/** `ALTER TABLE … ADD COLUMN`: cheap in both databases (no rewrite). */
export function addColumnSql(dialect: SqlDialect, table: string, column: WideColumnSpec): string {
  return `ALTER TABLE ${quoteIdent(table)} ADD COLUMN ${quoteIdent(column.sqlName)} ${declaredType(dialect, column.sqlType)}`;
}

/**
 * The widenings `observed` types force on `columns` (sqlName → type of the new values), and the statements.
 * SQLite: rebuild (see the module comment); the caller re-creates the table's own indexes and triggers after.
 * PostgreSQL: one `ALTER TABLE … ALTER COLUMN … TYPE … USING …`. No changes → no statements.
 */
export function planWidening(
  dialect: SqlDialect,
  table: string,
  columns: readonly WideColumnSpec[],
  observed: ReadonlyMap<string, SqlType>,
): WideningPlan {
  const changes: WideningChange[] = [];
  const target: WideColumnSpec[] = columns.map((c) => {
    const seen = observed.get(c.sqlName);
    const to = seen ? (widen(c.sqlType, seen) ?? c.sqlType) : c.sqlType;
    if (to !== c.sqlType) changes.push({ sqlName: c.sqlName, from: c.sqlType, to });
    return { sqlName: c.sqlName, sqlType: to };
  });
  if (changes.length === 0) return { changes, statements: [] };
  if (dialect === 'postgres') {
    const alters = changes.map(
      (ch) =>
        `ALTER COLUMN ${quoteIdent(ch.sqlName)} TYPE ${declaredType(dialect, ch.to)} USING ${convertPostgres(quoteIdent(ch.sqlName), ch.from, ch.to)}`,
    );
    return { changes, statements: [`ALTER TABLE ${quoteIdent(table)} ${alters.join(', ')}`] };
  }
  const byName = new Map(changes.map((ch) => [ch.sqlName, ch]));
  const fixed = ['row_id', 'response_id', 'synced_at', 'deleted_at'];
  const names = [...fixed, ...columns.map((c) => c.sqlName)].map(quoteIdent);
  const exprs = [
    ...names.slice(0, fixed.length),
    ...columns.map((c) => {
      const ch = byName.get(c.sqlName);
      return ch ? convertSqlite(quoteIdent(c.sqlName), ch.from, ch.to) : quoteIdent(c.sqlName);
    }),
  ];
  return {
    changes,
    statements: [
      `DROP TABLE IF EXISTS ${quoteIdent(REBUILD_TABLE)}`,
      wideTableDdl('sqlite', REBUILD_TABLE, target),
      `INSERT INTO ${quoteIdent(REBUILD_TABLE)} (${names.join(', ')}) SELECT ${exprs.join(', ')} FROM ${quoteIdent(table)}`,
      `DROP TABLE ${quoteIdent(table)}`,
      // Views over the table would make the rename fail its schema check while the table is briefly missing.
      'PRAGMA legacy_alter_table = ON',
      `ALTER TABLE ${quoteIdent(REBUILD_TABLE)} RENAME TO ${quoteIdent(table)}`,
      'PRAGMA legacy_alter_table = OFF',
    ],
  };
}

/** SQLite expression converting a stored value of type `from` to its spelling in type `to`. */
function convertSqlite(col: string, from: SqlType, to: SqlType): string {
  if (to === 'real') return `CAST(${col} AS REAL)`;
  if (to !== 'text') return col;
  switch (from) {
    case 'boolean':
      return `CASE ${col} WHEN 1 THEN 'true' WHEN 0 THEN 'false' END`;
    case 'integer':
      return `CAST(${col} AS TEXT)`;
    case 'real':
      // Spelled as the writer spells a number in a text column (`5`, `1e-7`), not as SQLite's CAST would (`5.0`,
      // `1.0e-07`): a function the SQLite store registers on its connection (open-database.ts).
      return `${SQLITE_NUMBER_TEXT}(${col})`;
    default:
      return col;
  }
}

/** PostgreSQL `USING` expression for the same conversions. */
function convertPostgres(col: string, from: SqlType, to: SqlType): string {
  if (from === 'boolean' && to !== 'text') return `${col}::integer::${declaredType('postgres', to)}`;
  if (from === 'timestamp' && to === 'text') return `to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
  return `${col}::${declaredType('postgres', to)}`;
}
