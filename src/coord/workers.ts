/**
 * The `workers` registry: one row per worker id with its host, pid, start and last heartbeat, so that `qsync
 * status` can tell live workers from dead ones and two live processes never share an id.
 */
import type { CoordDb } from './connection.ts';

/** What a worker says about itself when it registers. */
export interface WorkerIdentity {
  workerId: string;
  host: string;
  pid: number;
  /** Its lease TTL (ms): a heartbeat older than that means the worker is dead. */
  leaseTtlMs: number;
  /** Surveys it syncs at once. */
  concurrency: number;
}

/** A live worker already registered under the id asked for. */
export class WorkerIdInUseError extends Error {
  override name = 'WorkerIdInUseError';
  readonly exitCode = 2;
}

/**
 * Registers (or re-registers) a worker. An id whose earlier holder stopped, or whose heartbeat is older than that
 * holder's lease TTL, is taken over; an id in live use throws `WorkerIdInUseError` naming its host and pid.
 */
export async function registerWorker(db: CoordDb, me: WorkerIdentity): Promise<void> {
  const { rows } = await db.query(
    `INSERT INTO workers AS w (worker_id, host, pid, started_at, heartbeat_at, stopped_at, lease_ttl_ms, concurrency)
     VALUES ($1, $2, $3, now(), now(), NULL, $4, $5)
     ON CONFLICT (worker_id) DO UPDATE SET host = excluded.host, pid = excluded.pid, started_at = now(),
       heartbeat_at = now(), stopped_at = NULL, lease_ttl_ms = excluded.lease_ttl_ms, concurrency = excluded.concurrency
     WHERE w.stopped_at IS NOT NULL OR w.heartbeat_at < now() - w.lease_ttl_ms * interval '1 millisecond'
     RETURNING worker_id`,
    [me.workerId, me.host, me.pid, Math.round(me.leaseTtlMs), me.concurrency],
  );
  if (rows.length > 0) return;
  const { rows: live } = await db.query<{ host: string; pid: number; age: number }>(
    `SELECT host, pid, extract(epoch FROM now() - heartbeat_at)::float8 AS age FROM workers WHERE worker_id = $1`,
    [me.workerId],
  );
  const other = live[0];
  const who = other ? ` by pid ${other.pid} on ${other.host} (last heartbeat ${other.age.toFixed(1)} s ago)` : '';
  throw new WorkerIdInUseError(`worker id ${JSON.stringify(me.workerId)} is in use${who}; pick another --id`);
}

/** The process behind a registration. */
export type WorkerProcess = Pick<WorkerIdentity, 'workerId' | 'host' | 'pid'>;

/**
 * Records a heartbeat. False when the row no longer belongs to this process (another process took the id over
 * after this one's heartbeat lapsed) or was marked stopped.
 */
export async function heartbeatWorker(db: CoordDb, me: WorkerProcess): Promise<boolean> {
  const result = await db.query(
    `UPDATE workers SET heartbeat_at = now() WHERE worker_id = $1 AND host = $2 AND pid = $3 AND stopped_at IS NULL`,
    [me.workerId, me.host, me.pid],
  );
  return (result.rowCount ?? 0) > 0;
}

/** Marks the worker stopped (a clean exit), unless the id now belongs to another process. */
export async function markWorkerStopped(db: CoordDb, me: WorkerProcess): Promise<void> {
  await db.query(`UPDATE workers SET stopped_at = now(), heartbeat_at = now() WHERE worker_id = $1 AND host = $2 AND pid = $3`, [
    me.workerId,
    me.host,
    me.pid,
  ]);
}
