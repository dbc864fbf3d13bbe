/**
 * The store: where synced data lives. Public surface for the sync engine and the CLI.
 */
export { StoreError, type StoreErrorCode } from './errors.ts';
export { DEFAULT_DATABASE, type OpenStoreOptions, openStore } from './open-store.ts';
export {
  type ColumnPlan,
  type MappedColumn,
  type PlannedColumn,
  planColumns,
  planTableName,
  WIDE_FIXED_COLUMNS,
} from './plan-columns.ts';
export {
  addColumnSql,
  declaredType,
  planWidening,
  type SqlDialect,
  type WideColumnSpec,
  type WideningChange,
  type WideningPlan,
  wideTableDdl,
} from './plan-widening.ts';
export { fitsType, inferType, isWidening, typeOfValue, widen } from './sql-types.ts';
export { SqliteStore, type SqliteStoreOptions } from './sqlite/sqlite-store.ts';
export type * from './store.ts';
export type * from './types.ts';
