/**
 * `openStore(target)`: the one way to get a `Store`. A file path opens (creating and migrating) a SQLite database;
 * a `postgres://` URL is refused for now with a clear error (the PostgreSQL store comes in a later issue and will
 * plug in here behind the same interface).
 */
import { redactUrl, StoreError } from './errors.ts';
import { SqliteStore, type SqliteStoreOptions } from './sqlite/sqlite-store.ts';
import type { Store } from './store.ts';

/** Default database file, relative to the working directory. */
export const DEFAULT_DATABASE = 'qsync.db';

/** Options of `openStore`. */
export type OpenStoreOptions = SqliteStoreOptions;

/**
 * Opens the store at `target`: a SQLite file path (default `qsync.db`; `:memory:` for a throwaway database), or
 * `sqlite:<path>`. Throws `StoreError` with one line naming the path when it cannot be used: `cannot-open`
 * (missing or unwritable directory, unreadable file), `not-a-database`, `schema-too-new` (written by a newer
 * qsync; nothing is changed), `unsupported-target` (`postgres://…`, for now).
 */
export async function openStore(target: string = DEFAULT_DATABASE, options: OpenStoreOptions = {}): Promise<Store> {
  if (typeof target !== 'string' || target.trim() === '') {
    throw new StoreError('invalid-input', 'openStore: the database path is empty');
  }
  if (/^postgres(ql)?:\/\//i.test(target)) {
    throw new StoreError(
      'unsupported-target',
      `PostgreSQL is not supported yet (${redactUrl(target)}); use a SQLite file path such as qsync.db`,
      { target: redactUrl(target) },
    );
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(target)) {
    throw new StoreError('unsupported-target', `unsupported database URL ${redactUrl(target)}; use a SQLite file path`, {
      target: redactUrl(target),
    });
  }
  const path = target.startsWith('sqlite:') ? target.slice('sqlite:'.length) : target;
  return SqliteStore.open(path, options);
}
