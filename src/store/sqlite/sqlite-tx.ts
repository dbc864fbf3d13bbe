/**
 * The transaction handle of the SQLite store: async methods (the `StoreTx` contract) over synchronous operations,
 * each in its own savepoint, refused once the transaction has ended.
 */
import type Database from 'better-sqlite3';
import { StoreError } from '../errors.ts';
import type { StoreTx } from '../store.ts';
import type { Layout } from '../types.ts';

/**
 * `fn` made atomic on its own (a savepoint inside the open transaction): a caller that catches an operation's
 * error inside the transaction still commits whole operations only. `onFailure` runs after the rollback.
 */
export function savepointed<A extends unknown[], R>(
  db: Database.Database,
  fn: (...args: A) => R,
  onFailure: () => void,
): (...args: A) => R {
  return (...args: A): R => {
    db.exec('SAVEPOINT qsync_op');
    try {
      const result = fn(...args);
      db.exec('RELEASE qsync_op');
      return result;
    } catch (err) {
      db.exec('ROLLBACK TO qsync_op');
      db.exec('RELEASE qsync_op');
      onFailure();
      throw err;
    }
  };
}

/** The synchronous operations behind a `StoreTx`. */
export interface TxOps {
  upsertResponses(...args: Parameters<StoreTx['upsertResponses']>): Awaited<ReturnType<StoreTx['upsertResponses']>>;
  ensureLayout(...args: Parameters<StoreTx['ensureLayout']>): Layout;
  setSyncState(...args: Parameters<StoreTx['setSyncState']>): Awaited<ReturnType<StoreTx['setSyncState']>>;
  upsertInProgress(...args: Parameters<StoreTx['upsertInProgress']>): number;
  removeInProgress(...args: Parameters<StoreTx['removeInProgress']>): number;
  addRunCounts(...args: Parameters<StoreTx['addRunCounts']>): void;
}

/** A transaction handle: forwards to the connection while its transaction is open, refuses afterwards. */
export class SqliteTx implements StoreTx {
  #ops: TxOps | null;

  constructor(ops: TxOps) {
    this.#ops = ops;
  }

  end(): void {
    this.#ops = null;
  }

  async upsertResponses(...args: Parameters<StoreTx['upsertResponses']>) {
    return this.#live().upsertResponses(...args);
  }

  async ensureLayout(...args: Parameters<StoreTx['ensureLayout']>) {
    return this.#live().ensureLayout(...args);
  }

  async setSyncState(...args: Parameters<StoreTx['setSyncState']>) {
    return this.#live().setSyncState(...args);
  }

  async upsertInProgress(...args: Parameters<StoreTx['upsertInProgress']>) {
    return this.#live().upsertInProgress(...args);
  }

  async removeInProgress(...args: Parameters<StoreTx['removeInProgress']>) {
    return this.#live().removeInProgress(...args);
  }

  async addRunCounts(...args: Parameters<StoreTx['addRunCounts']>) {
    return this.#live().addRunCounts(...args);
  }

  #live(): TxOps {
    if (!this.#ops) throw new StoreError('closed', 'transaction handle used after its transaction ended');
    return this.#ops;
  }
}
