/**
 * Opens one `pg` connection for the store: session settings that make values read back the way the SQLite store
 * returns them (UTC ISO-8601 dates, numbers for bigint), and one clear error per reason a connection fails.
 */
import pg from 'pg';
import { StoreError } from '../errors.ts';
import { quoteIdent } from '../internal/names.ts';
import { maskUrl, type PostgresTarget } from './connection-url.ts';

/** Type OIDs read differently from the driver's defaults. */
const INT8_OID = 20;
const TIMESTAMPTZ_OID = 1184;

/** `2020-02-11 03:44:39.123456+00` (session time zone UTC) → `2020-02-11T03:44:39.123Z`. */
const PG_UTC_TIMESTAMP = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?\+00$/;

/**
 * A `timestamptz` as qsync spells dates: UTC ISO-8601 with milliseconds, as `Date.prototype.toISOString` writes
 * them (sub-millisecond digits are dropped). Values outside that form (`infinity`, BC years) are returned as is.
 */
export function isoFromTimestamptz(text: string): string {
  const m = PG_UTC_TIMESTAMP.exec(text);
  if (!m) return text;
  return `${m[1]}T${m[2]}.${(m[3] ?? '').padEnd(3, '0').slice(0, 3)}Z`;
}

const typeParsers = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    // Integers qsync writes are JavaScript safe integers; bigint keeps SQLite's INTEGER range.
    if (oid === INT8_OID) return (text: string) => Number(text);
    if (oid === TIMESTAMPTZ_OID) return isoFromTimestamptz;
    return pg.types.getTypeParser(oid, format ?? 'text');
  },
} as unknown as pg.CustomTypesConfig;

/**
 * Connects to `target` and prepares the session: time zone UTC, ISO dates, `search_path` = the qsync schema (which
 * may not exist yet), larger temp buffers for staging tables. Throws `StoreError` `cannot-open` with one line that
 * names host:port, database and user, never the password.
 */
export async function connect(target: PostgresTarget): Promise<pg.Client> {
  const client = new pg.Client({
    host: target.host,
    port: target.port,
    user: target.user,
    password: target.password,
    database: target.database,
    ssl: target.sslmode === 'disable' ? false : { rejectUnauthorized: target.sslmode === 'verify-full' },
    connectionTimeoutMillis: Math.round(target.connectTimeoutS * 1000),
    application_name: target.applicationName,
    types: typeParsers,
  });
  // Until the store installs its own handler, a dropped socket must not crash the process.
  client.on('error', () => undefined);
  try {
    await client.connect();
    // jit off: the merge statements are planned anew for every batch, and compiling them cost tens of milliseconds
    // each (the planner's cost estimates for a fresh temp table cross jit_above_cost) without ever paying off.
    await client.query(
      `SELECT set_config('TimeZone', 'UTC', false), set_config('DateStyle', 'ISO, YMD', false),
         set_config('IntervalStyle', 'iso_8601', false), set_config('temp_buffers', '64MB', false), set_config('jit', 'off', false),
         set_config('search_path', $1, false)`,
      [quoteIdent(target.schema)],
    );
    return client;
  } catch (err) {
    await client.end().catch(() => undefined);
    throw connectError(err, target);
  }
}

/** One line saying why a connection failed. */
export function connectError(err: unknown, target: PostgresTarget): StoreError {
  const parts = [target.database && `database "${target.database}"`, target.user && `user "${target.user}"`].filter(Boolean);
  const where = `PostgreSQL at ${target.endpoint}${parts.length > 0 ? ` (${parts.join(', ')})` : ''}`;
  const e = err as { code?: unknown; message?: unknown };
  const code = typeof e.code === 'string' ? e.code : '';
  const message = maskUrl(String(e.message ?? err)).split('\n', 1)[0] ?? '';
  let why: string;
  switch (code) {
    case 'ECONNREFUSED':
      why = 'connection refused (is the server running and listening on that port?)';
      break;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      why = 'host not found';
      break;
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      why = `host unreachable (${code})`;
      break;
    case '28P01':
      why = 'password authentication failed (check the password in the URL, PGPASSWORD or ~/.pgpass)';
      break;
    case '28000':
      why = `the server refused this connection: ${message}`;
      break;
    case '3D000':
      why = `the database does not exist: ${message}`;
      break;
    case '42501':
      why = `permission denied: ${message}`;
      break;
    case '57P03':
      why = 'the server is starting up or shutting down; try again';
      break;
    case '53300':
      why = 'the server has too many connections';
      break;
    default:
      if (/timeout/i.test(message)) why = `no answer within ${target.connectTimeoutS} s`;
      else if (/client password must be a string|password must be a string/i.test(message)) {
        why = 'the server asks for a password and none was given (URL, PGPASSWORD or ~/.pgpass)';
      } else why = message || 'unknown error';
  }
  return new StoreError('cannot-open', `cannot connect to ${where}: ${why}`, { target: target.display, cause: err });
}
