/**
 * Pure parsing of a `postgres://` URL into connection settings, and masking of secrets for messages. The URL's
 * password never reaches a message: every error here and in the store names the masked URL or host:port only.
 */
import { StoreError } from '../errors.ts';
import { MAX_IDENTIFIER_BYTES } from '../internal/names.ts';

/** Schema that holds qsync's tables unless the URL or the options name another. */
export const DEFAULT_SCHEMA = 'qsync';

/** Seconds a connection attempt may take unless `connect_timeout` says otherwise. */
export const DEFAULT_CONNECT_TIMEOUT_S = 10;

/** Connection settings read from a URL. Absent fields fall back to libpq's environment (`PGUSER`, `PGPASSWORD`…). */
export interface PostgresTarget {
  host: string | undefined;
  port: number | undefined;
  user: string | undefined;
  /** Never printed; only handed to the driver. */
  password: string | undefined;
  database: string | undefined;
  /** Schema for qsync's tables (`?schema=`), default `qsync`. */
  schema: string;
  /** `?sslmode=`: `disable` (default), `require` (encrypted, certificate not checked), `verify-full`. */
  sslmode: 'disable' | 'require' | 'verify-full';
  connectTimeoutS: number;
  /** `?application_name=`, default `qsync`. */
  applicationName: string;
  /** The URL with its password masked: what messages and `store.target` show. */
  display: string;
  /** `host:port` for messages (`localhost:5432` when defaulted). */
  endpoint: string;
}

const QUERY_OPTIONS = new Set(['schema', 'sslmode', 'connect_timeout', 'application_name', 'host', 'port', 'user', 'dbname']);

/**
 * Masks every secret in a database URL or in text containing one: the password of `scheme://user:password@host`
 * (up to the last `@` before any `?`, or the last `@` at all when the password holds an unencoded `?` or `#`, so
 * a password with unencoded delimiters is masked whole) and a `password=`
 * query parameter. `postgres://u:s3cret@h/db` → `postgres://u:***@h/db`.
 */
export function maskUrl(text: string): string {
  return text
    .replace(/([a-z][a-z0-9+.-]*:\/\/[^:/?#@\s]*:)(?:[^\s?#]*|[^\s]*)@/gi, '$1***@')
    .replace(/([?&]password=)[^&#\s]*/gi, '$1***');
}

/**
 * Masks the password of `url`, taken as one whole URL (as given to `openStore`): everything between `scheme://user:`
 * and the last `@`, whatever characters the password holds (spaces included), plus any `password=` parameter.
 */
export function maskTarget(url: string): string {
  const m = /^([a-z][a-z0-9+.-]*:\/\/)(.*)$/is.exec(url);
  if (!m) return maskUrl(url);
  const rest = m[2]!;
  const at = rest.lastIndexOf('@');
  const colon = at === -1 ? -1 : rest.slice(0, at).indexOf(':');
  const masked = colon === -1 ? rest : `${rest.slice(0, colon + 1)}***${rest.slice(at)}`;
  return maskUrl(`${m[1]}${masked}`);
}

/** True when `target` names a PostgreSQL database (`postgres://` or `postgresql://`). */
export function isPostgresUrl(target: string): boolean {
  return /^postgres(ql)?:\/\//i.test(target);
}

/**
 * Reads a `postgres://[user[:password]@][host][:port][/database][?schema=…&sslmode=…&connect_timeout=…]` URL.
 * `schemaOverride` (an option) wins over `?schema=`. Throws `StoreError` `invalid-input` naming the masked URL.
 */
export function parsePostgresUrl(target: string, schemaOverride?: string): PostgresTarget {
  const display = maskTarget(target);
  const bad = (why: string): never => {
    throw new StoreError('invalid-input', `malformed PostgreSQL URL ${display}: ${why}`, { target: display });
  };
  if (!isPostgresUrl(target)) bad('it must start with postgres:// or postgresql://');
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return bad('it cannot be parsed (check the port; percent-encode @ / ? # in the user or password)');
  }
  const params = url.searchParams;
  for (const key of params.keys()) {
    if (key === 'password') bad('put the password in PGPASSWORD or ~/.pgpass, not in a query parameter');
    if (!QUERY_OPTIONS.has(key)) bad(`unknown option ${JSON.stringify(key)} (known: ${[...QUERY_OPTIONS].join(', ')})`);
  }
  const decode = (s: string, what: string) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return bad(`the ${what} has an invalid percent-encoding`);
    }
  };
  const host = params.get('host') ?? (url.hostname ? decode(url.hostname.replace(/^\[|\]$/g, ''), 'host') : undefined);
  const portText = params.get('port') ?? url.port;
  const port = portText ? Number(portText) : undefined;
  if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536)) bad(`port ${JSON.stringify(portText)} is not a port number`);
  const path = url.pathname.replace(/^\//, '');
  if (path.includes('/')) bad('the path must be a single database name');
  const database = params.get('dbname') ?? (path ? decode(path, 'database name') : undefined);
  const user = params.get('user') ?? (url.username ? decode(url.username, 'user name') : undefined);
  const password = url.password ? decode(url.password, 'password') : undefined;
  const schema = schemaOverride ?? params.get('schema') ?? DEFAULT_SCHEMA;
  checkSchemaName(schema, display);
  const sslmode = params.get('sslmode') ?? 'disable';
  if (sslmode !== 'disable' && sslmode !== 'require' && sslmode !== 'verify-full') {
    bad(`sslmode ${JSON.stringify(sslmode)} is not one of disable, require, verify-full`);
  }
  const timeoutText = params.get('connect_timeout');
  const connectTimeoutS = timeoutText === null ? DEFAULT_CONNECT_TIMEOUT_S : Number(timeoutText);
  if (!(Number.isFinite(connectTimeoutS) && connectTimeoutS > 0)) bad('connect_timeout must be a positive number of seconds');
  return {
    host,
    port,
    user,
    password,
    database,
    schema,
    sslmode: sslmode as PostgresTarget['sslmode'],
    connectTimeoutS,
    applicationName: params.get('application_name') ?? 'qsync',
    display,
    endpoint: `${host ?? 'localhost'}:${port ?? 5432}`,
  };
}

/** A schema name must be a usable identifier: non-empty, no NUL, at most 63 bytes (longer ones are truncated). */
function checkSchemaName(schema: string, display: string): void {
  if (schema.length === 0 || schema.includes('\0') || Buffer.byteLength(schema) > MAX_IDENTIFIER_BYTES) {
    throw new StoreError(
      'invalid-input',
      `schema name ${JSON.stringify(schema)} for ${display} must be 1 to ${MAX_IDENTIFIER_BYTES} bytes without NUL`,
      { target: display },
    );
  }
}
