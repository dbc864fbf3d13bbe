/**
 * Connections for coordination: the store's own connection settings (UTC ISO dates, numbers for bigint, the
 * schema as `search_path`) and its one-line connection errors, which never show a password. A connection is
 * shared by concurrent callers (a worker's slots, its heartbeat, the rate budget's buckets), so its queries are
 * queued here and sent one at a time: the driver must not be handed a query while another is running.
 */
import type pg from 'pg';
import { StoreError } from '../store/index.ts';
import { connect } from '../store/postgres/connect.ts';
import { isPostgresUrl, maskUrl, type PostgresTarget, parsePostgresUrl } from '../store/postgres/connection-url.ts';

export type { PostgresTarget } from '../store/postgres/connection-url.ts';

/** A coordination connection: queries run one at a time, in call order. */
export interface CoordDb {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
  /** Runs `fn` with the connection to itself, nothing else in between (a transaction). */
  exclusive<T>(fn: (client: pg.ClientBase) => Promise<T>): Promise<T>;
  /** Closes the connection once the queries queued before have run. */
  end(): Promise<void>;
}

/**
 * Reads a `postgres://` URL (same syntax as the store: `?schema=`, `sslmode`, …). Throws `StoreError`
 * `invalid-input` with one line naming the masked URL; `unsupported-target` for anything that is not PostgreSQL
 * (workers coordinate through PostgreSQL only).
 */
export function coordTarget(url: string): PostgresTarget {
  if (typeof url !== 'string' || url.trim() === '') {
    throw new StoreError('invalid-input', 'no database given: pass --db postgres://… (or set destination.db in the config)');
  }
  if (!isPostgresUrl(url)) {
    throw new StoreError(
      'unsupported-target',
      `workers coordinate through PostgreSQL: --db must be a postgres:// URL (got ${JSON.stringify(shorten(maskUrl(url)))})`,
    );
  }
  return parsePostgresUrl(url);
}

/** Opens one connection to `target` with the store's session settings. Throws `StoreError` `cannot-open`. */
export async function openCoordConnection(target: PostgresTarget): Promise<CoordDb> {
  return serialDb(await connect(target));
}

/** Wraps a connected client so that its queries run one at a time. */
export function serialDb(client: pg.Client): CoordDb {
  let tail: Promise<unknown> = Promise.resolve();
  const run = <T>(task: () => Promise<T>): Promise<T> => {
    const result = tail.then(task);
    tail = result.catch(() => undefined);
    return result;
  };
  return {
    query: <R extends pg.QueryResultRow>(text: string, values?: unknown[]) => run(() => client.query<R>(text, values)),
    exclusive: (fn) => run(() => fn(client)),
    end: () => run(() => client.end()),
  };
}

function shorten(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}
