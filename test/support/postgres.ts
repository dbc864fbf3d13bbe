/**
 * A throwaway PostgreSQL 15 server for tests and benchmarks: `initdb` into a temporary directory owned by the
 * `postgres` user (initdb refuses to run as root), `postgres` listening on a free 127.0.0.1 port with its socket
 * inside that directory, fsync off. `stop()` shuts it down and removes the directory; so does process exit, and a
 * small watchdog shell does it when the test process is killed outright.
 *
 * Missing binaries are a failure with the install command, never a skip (issue 5: PostgreSQL tests run every time).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import {
  accessSync,
  chownSync,
  closeSync,
  constants,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import pg from 'pg';

/** A running server. The superuser is `postgres`, trusted on loopback; other roles authenticate with a password. */
export interface PostgresServer {
  /** Superuser URL of the `postgres` database, e.g. `postgres://postgres@127.0.0.1:41234/postgres`. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** `postgres --version` output, e.g. `postgres (PostgreSQL) 15.18`. */
  readonly version: string;
  /** Temporary directory holding `data/`, the socket and `server.log`; removed by `stop()`. */
  readonly dir: string;
  /**
   * URL for `database` (default `postgres`) as `user` (default `postgres`, no password) with an optional password
   * and query string, e.g. `urlFor({ database: 't1', user: 'reader', password: 'pw', query: 'schema=s' })`.
   */
  urlFor(options?: { database?: string; user?: string; password?: string; query?: string }): string;
  /** Creates an empty database (name from `prefix` plus a counter) and returns its superuser URL. */
  createDatabase(prefix?: string): Promise<string>;
  /** Runs SQL as the superuser in `database` (default `postgres`); returns the rows. */
  sql<R extends Record<string, unknown> = Record<string, unknown>>(
    text: string,
    params?: unknown[],
    database?: string,
  ): Promise<R[]>;
  /** Stops the server (fast shutdown, then immediate after 10 s) and removes its directory. Idempotent. */
  stop(): Promise<void>;
}

/** Options of `startPostgres`. */
export interface StartPostgresOptions {
  /** Extra server settings (`-c name=value`), e.g. `{ shared_buffers: '256MB' }`. */
  settings?: Record<string, string>;
  /** How long to wait for the server to accept connections (ms). Default 30000. */
  startTimeoutMs?: number;
  /**
   * Directories searched for `initdb` and `postgres`, in order. Default: `$QSYNC_PG_BIN` when set, then
   * /usr/lib/postgresql/15/bin, then PATH.
   */
  binDirs?: readonly string[];
}

/** Where Debian/Ubuntu's `postgresql-15` package puts the server binaries; PATH is searched after it. */
const PG15_BIN = '/usr/lib/postgresql/15/bin';
const INSTALL_HINT = 'apt-get install postgresql-15 (or put initdb and postgres 15+ on PATH)';
const SUPERUSER = 'postgres';
const HOST = '127.0.0.1';

/** Watchdog of each running server, by directory. */
const watchdogs = new Map<string, ChildProcess>();

/** Speed over durability: the cluster is deleted after the run. */
const FAST_SETTINGS: Record<string, string> = {
  fsync: 'off',
  synchronous_commit: 'off',
  full_page_writes: 'off',
  max_connections: '40',
  log_min_messages: 'warning',
};

/** Creates, starts and returns a fresh server. Throws a one-line error saying what is missing or what failed. */
export async function startPostgres(options: StartPostgresOptions = {}): Promise<PostgresServer> {
  const bin = findBinaries(options.binDirs ?? defaultBinDirs());
  const version = execFileSync(bin.postgres, ['--version'], { encoding: 'utf8' }).trim();
  const major = Number(/\)\s*(\d+)/.exec(version)?.[1] ?? 0);
  if (major < 15) throw new Error(`PostgreSQL 15 server binaries not found (${bin.postgres} is ${version}): ${INSTALL_HINT}`);
  const owner = clusterOwner();
  const dir = mkdtempSync(join(baseDir(owner), 'qsync-pg-'));
  const cleanupOnExit = () => removeDir(dir);
  process.once('exit', cleanupOnExit);
  try {
    if (owner) chownSync(dir, owner.uid, owner.gid);
    initCluster(bin.initdb, dir, owner);
    const settings = { ...FAST_SETTINGS, ...options.settings };
    let lastError: Error | undefined;
    for (let attempt = 0; attempt < 3; attempt++) {
      const port = await freePort();
      const started = await startServer(bin.postgres, dir, port, settings, owner, options.startTimeoutMs ?? 30_000);
      if ('child' in started) {
        process.off('exit', cleanupOnExit);
        return makeServer(started.child, dir, port, version);
      }
      lastError = started.error;
      // Another process took the port between our probe and the server's bind: try another port.
      if (!started.portTaken) break;
    }
    throw lastError ?? new Error('PostgreSQL did not start');
  } catch (err) {
    removeDir(dir);
    process.off('exit', cleanupOnExit);
    throw err;
  }
}

function defaultBinDirs(): string[] {
  const env = process.env.QSYNC_PG_BIN;
  return [...(env ? [env] : []), PG15_BIN, ...(process.env.PATH ?? '').split(':').filter(Boolean)];
}

function findBinaries(dirs: readonly string[]): { initdb: string; postgres: string } {
  for (const d of dirs) {
    const initdb = join(d, 'initdb');
    const postgres = join(d, 'postgres');
    if (isExecutable(initdb) && isExecutable(postgres)) return { initdb, postgres };
  }
  throw new Error(
    `PostgreSQL 15 server binaries not found (initdb and postgres; looked in ${dirs.length > 3 ? `${dirs.slice(0, 2).join(', ')} and PATH` : dirs.join(', ')}): ${INSTALL_HINT}`,
  );
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The uid/gid the cluster runs as: the `postgres` user when we are root, else ourselves (null). */
function clusterOwner(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  try {
    const uid = Number(execFileSync('id', ['-u', SUPERUSER], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', SUPERUSER], { encoding: 'utf8' }).trim());
    return { uid, gid };
  } catch {
    throw new Error(
      `running as root but there is no '${SUPERUSER}' user to own the cluster (initdb refuses root): ${INSTALL_HINT} creates it`,
    );
  }
}

/**
 * Where the temporary cluster goes: the OS temp directory, unless the `postgres` user could not reach it (a TMPDIR
 * under /root, say), then /tmp.
 */
function baseDir(owner: { uid: number; gid: number } | null): string {
  const base = tmpdir();
  if (!owner) return base;
  for (let dir = resolve(base); ; dir = dirname(dir)) {
    if ((statSync(dir).mode & 0o001) === 0) return '/tmp';
    if (dir === dirname(dir)) return base;
  }
}

function initCluster(initdb: string, dir: string, owner: { uid: number; gid: number } | null): void {
  const data = join(dir, 'data');
  const args = ['-D', data, '-A', 'trust', '-U', SUPERUSER, '--no-sync', '-E', 'UTF8', '--locale=C', '--no-instructions'];
  try {
    execFileSync(initdb, args, { cwd: dir, env: childEnv(dir), stdio: ['ignore', 'pipe', 'pipe'], ...(owner ?? {}) });
  } catch (err) {
    const stderr = String((err as { stderr?: unknown }).stderr ?? '').trim().split('\n').at(-1);
    throw new Error(`initdb failed in ${data}: ${stderr || (err as Error).message}`);
  }
  // The superuser is trusted (tests and harness connect without a password); every other role must present its
  // password, so tests can check wrong-password handling.
  const hba = join(data, 'pg_hba.conf');
  writeFileSync(
    hba,
    [
      'local all all trust',
      `host all ${SUPERUSER} ${HOST}/32 trust`,
      `host all all ${HOST}/32 scram-sha-256`,
      '',
    ].join('\n'),
  );
  if (owner) chownSync(hba, owner.uid, owner.gid);
}

function childEnv(dir: string): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, LANG: 'C', LC_ALL: 'C', TZ: 'UTC' };
}

/** A port nobody listens on right now (the server binds it a moment later; a lost race is retried). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, HOST, () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

type Started = { child: ChildProcess } | { error: Error; portTaken: boolean };

async function startServer(
  postgres: string,
  dir: string,
  port: number,
  settings: Record<string, string>,
  owner: { uid: number; gid: number } | null,
  timeoutMs: number,
): Promise<Started> {
  const logPath = join(dir, 'server.log');
  const log = openSync(logPath, 'a');
  if (owner) chownSync(logPath, owner.uid, owner.gid);
  const args = ['-D', join(dir, 'data'), '-p', String(port), '-k', dir, '-c', `listen_addresses=${HOST}`];
  for (const [name, value] of Object.entries(settings)) args.push('-c', `${name}=${value}`);
  const child = spawn(postgres, args, { cwd: dir, env: childEnv(dir), stdio: ['ignore', log, log], ...(owner ?? {}) });
  closeSync(log);
  let exited: string | null = null;
  child.once('exit', (code, signal) => {
    exited = signal ?? `exit code ${code}`;
  });
  child.once('error', (err) => {
    exited = err.message;
  });
  const deadline = Date.now() + timeoutMs;
  while (exited === null && Date.now() < deadline) {
    if (await accepts(port)) {
      startWatchdog(child.pid!, dir);
      return { child };
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const tail = logTail(logPath);
  if (exited === null) await stopChild(child);
  const why = exited === null ? `did not accept connections within ${timeoutMs} ms` : `exited (${exited})`;
  return {
    error: new Error(`PostgreSQL on ${HOST}:${port} ${why}: ${tail}`),
    portTaken: /could not bind|address already in use/i.test(tail),
  };
}

async function accepts(port: number): Promise<boolean> {
  const client = new pg.Client({ host: HOST, port, user: SUPERUSER, database: 'postgres', connectionTimeoutMillis: 1000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Stops the server and removes `dir` once this process is gone, however it went (SIGKILL included): a detached
 * `sh` polling our pid. `stop()` kills the watchdog first.
 */
function startWatchdog(serverPid: number, dir: string): void {
  const script = [
    'while kill -0 "$1" 2>/dev/null; do sleep 0.5; done',
    'kill -QUIT "$2" 2>/dev/null',
    'i=0; while kill -0 "$2" 2>/dev/null && [ "$i" -lt 50 ]; do sleep 0.1; i=$((i+1)); done',
    'rm -rf "$3"',
  ].join('\n');
  const dog = spawn('sh', ['-c', script, 'qsync-pg-watchdog', String(process.pid), String(serverPid), dir], {
    detached: true,
    stdio: 'ignore',
  });
  dog.unref();
  watchdogs.set(dir, dog);
}


function makeServer(child: ChildProcess, dir: string, port: number, version: string): PostgresServer {
  let stopped: Promise<void> | null = null;
  let dbSeq = 0;
  const onExit = () => {
    // Synchronous last resort on a normal exit without stop(); the watchdog finishes anything left.
    child.kill('SIGQUIT');
    removeDir(dir);
  };
  process.once('exit', onExit);
  const urlFor: PostgresServer['urlFor'] = (o = {}) => {
    const user = encodeURIComponent(o.user ?? SUPERUSER);
    const auth = o.password === undefined ? user : `${user}:${encodeURIComponent(o.password)}`;
    const query = o.query ? `?${o.query}` : '';
    return `postgres://${auth}@${HOST}:${port}/${encodeURIComponent(o.database ?? 'postgres')}${query}`;
  };
  const sql: PostgresServer['sql'] = async (text, params = [], database = 'postgres') => {
    const client = new pg.Client({ host: HOST, port, user: SUPERUSER, database });
    await client.connect();
    try {
      return (await client.query(text, params)).rows;
    } finally {
      await client.end();
    }
  };
  return {
    url: urlFor(),
    host: HOST,
    port,
    version,
    dir,
    urlFor,
    sql,
    async createDatabase(prefix = 'test') {
      const name = `${prefix.toLowerCase().replace(/[^a-z0-9_]+/g, '_').slice(0, 40)}_${++dbSeq}`;
      await sql(`CREATE DATABASE "${name}"`);
      return urlFor({ database: name });
    },
    stop() {
      stopped ??= (async () => {
        process.off('exit', onExit);
        watchdogs.get(dir)?.kill('SIGKILL');
        watchdogs.delete(dir);
        await stopChild(child);
        removeDir(dir);
      })();
      return stopped;
    },
  };
}

/** Fast shutdown (SIGINT); immediate (SIGQUIT) after 10 s; SIGKILL after 5 s more. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const within = (ms: number) =>
    Promise.race([exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms).unref())]);
  child.kill('SIGINT');
  if (await within(10_000)) return;
  child.kill('SIGQUIT');
  if (await within(5_000)) return;
  child.kill('SIGKILL');
  await exited;
}

function logTail(path: string): string {
  try {
    const lines = readFileSync(path, 'utf8').trim().split('\n');
    return lines.slice(-3).join(' | ') || '(empty server log)';
  } catch {
    return '(no server log)';
  }
}

function removeDir(dir: string): void {
  try {
    rmSync(dir, { recursive: true, force: true });
  } catch {
    // A server still shutting down may recreate a file; the watchdog removes the rest.
  }
}
