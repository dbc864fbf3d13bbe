/**
 * `openStore(target)`: the one way to get a `Store`. A file path opens (creating and migrating) a SQLite database;
 * a `postgres://` URL opens (creating and migrating) the qsync schema of a PostgreSQL database, behind the same
 * interface.
 */
import { redactUrl, StoreError } from './errors.ts';
import { isPostgresUrl } from './postgres/connection-url.ts';
import { PostgresStore } from './postgres/postgres-store.ts';
import { SqliteStore, type SqliteStoreOptions } from './sqlite/sqlite-store.ts';
import type { Store } from './store.ts';

/** Default database file, relative to the working directory. */
export const DEFAULT_DATABASE = 'qsync.db';

/** Options of `openStore`. */
export type OpenStoreOptions = SqliteStoreOptions;

/**
 * Opens the store at `target`: a SQLite file path (default `qsync.db`; `:memory:` for a throwaway database), or
 * `sqlite:<path>`, or a `postgres://user:password@host:port/database[?schema=qsync]` URL (see `PostgresStore.open`;
 * `busyTimeoutMs` does not apply there). Throws `StoreError` with one line naming the path (or the URL with its
 * password masked) when it cannot be used: `cannot-open` (missing or unwritable directory, unreadable file;
 * unreachable server, authentication, missing privileges), `not-a-database`, `schema-too-new` (written by a newer
 * qsync; nothing is changed), `invalid-input` (malformed URL), `unsupported-target` (another URL scheme).
 */
export async function openStore(target: string = DEFAULT_DATABASE, options: OpenStoreOptions = {}): Promise<Store> {
  if (typeof target !== 'string' || target.trim() === '') {
    throw new StoreError('invalid-input', 'openStore: the database path is empty');
  }
  if (isPostgresUrl(target)) {
    return PostgresStore.open(target, options.clock ? { clock: options.clock } : {});
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(target)) {
    throw new StoreError('unsupported-target', `unsupported database URL ${redactUrl(target)}; use a SQLite file path`, {
      target: redactUrl(target),
    });
  }
  const path = target.startsWith('sqlite:') ? target.slice('sqlite:'.length) : target;
  return SqliteStore.open(path, options);
}
