/**
 * The one error class of the store. Messages are one line, say what and where (the database path, the survey,
 * the column) and never contain a password (PostgreSQL URLs are redacted before they reach a message).
 */

/**
 * Why a store operation failed:
 * - `unsupported-target`: the target names a database kind this version cannot open (e.g. `postgres://`);
 * - `cannot-open`: the path's directory is missing or unwritable, or the file is unreadable;
 * - `not-a-database`: the file exists but is not a SQLite database, or is a SQLite database of another program;
 * - `schema-too-new`: the database was written by a newer qsync (its schema version is higher than ours);
 * - `locked`: another process held the database's write lock for longer than the busy timeout;
 * - `invalid-input`: a call's arguments break the contract (unknown survey, unknown column key, empty id…);
 * - `closed`: the store was closed, or a transaction handle was used after its transaction ended;
 * - `misuse`: a store method was called inside `store.transaction` (use the `tx` argument instead).
 */
export type StoreErrorCode =
  | 'unsupported-target'
  | 'cannot-open'
  | 'not-a-database'
  | 'schema-too-new'
  | 'locked'
  | 'invalid-input'
  | 'closed'
  | 'misuse';

/** A store failure with a one-line message. */
export class StoreError extends Error {
  override name = 'StoreError';
  readonly code: StoreErrorCode;
  /** Database path (or redacted URL) involved, when there is one. */
  readonly target: string | undefined;

  constructor(code: StoreErrorCode, message: string, options?: { target?: string; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.target = options?.target;
  }
}

/** `postgres://user:secret@host/db` → `postgres://user:***@host/db`; other text unchanged. */
export function redactUrl(target: string): string {
  return target.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*:)[^@]*@/i, '$1***@');
}
