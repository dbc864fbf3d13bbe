/**
 * Scale-out through PostgreSQL (issue 5, points 4 and 5): workers that claim due surveys with leases (`FOR UPDATE
 * SKIP LOCKED`, expiry, heartbeats), a rate budget every worker shares through the database, and the status that
 * `qsync status` prints. The tables live beside the store's, in the same schema.
 */
export { type CoordDb, coordTarget, openCoordConnection, type PostgresTarget, serialDb } from './connection.ts';
export {
  type Claim,
  claimNext,
  freeLeasesOf,
  msUntilNextClaimable,
  type ReleaseOutcome,
  recordRun,
  registerSurveys,
  releaseLease,
  renewLeases,
} from './leases.ts';
export { heartbeatEveryMs, idleWaitMs, nextDueInMs, RETRY_BASE_MS, workerState } from './schedule.ts';
export { COORD_DDL, COORD_TABLES, ensureCoordSchema, missingCoordTables } from './schema.ts';
export {
  createSharedBudget,
  factorSql,
  PgSharedBuckets,
  type ReservedRow,
  type SharedBudgetOptions,
  slotWaits,
} from './shared-budget.ts';
export {
  type FailureStatus,
  readStatus,
  type StatusOptions,
  type StatusReport,
  type SurveyStatus,
  type WorkerStatus,
} from './status.ts';
export { runWorker, type WorkerDeps, type WorkerEvent, type WorkerOptions, type WorkerSummary } from './worker.ts';
export {
  heartbeatWorker,
  markWorkerStopped,
  registerWorker,
  WorkerIdInUseError,
  type WorkerIdentity,
  type WorkerProcess,
} from './workers.ts';
