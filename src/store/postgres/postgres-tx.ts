/**
 * The `StoreTx` handle of a PostgreSQL transaction: runs its operations one at a time (each atomic under a
 * savepoint) while the transaction is open, and refuses them afterwards.
 */
import { StoreError } from '../errors.ts';
import { SerialQueue } from '../internal/serial-queue.ts';
import type { StoreTx } from '../store.ts';
import type { Layout } from '../types.ts';

/** The operations behind a `StoreTx`, plus the savepoint wrapper that makes each one atomic. */
export interface TxOps {
  upsertResponses(...args: Parameters<StoreTx['upsertResponses']>): ReturnType<StoreTx['upsertResponses']>;
  ensureLayout(...args: Parameters<StoreTx['ensureLayout']>): Promise<Layout>;
  setSyncState(...args: Parameters<StoreTx['setSyncState']>): ReturnType<StoreTx['setSyncState']>;
  upsertInProgress(...args: Parameters<StoreTx['upsertInProgress']>): Promise<number>;
  removeInProgress(...args: Parameters<StoreTx['removeInProgress']>): Promise<number>;
  addRunCounts(...args: Parameters<StoreTx['addRunCounts']>): Promise<void>;
  savepoint<R>(op: () => Promise<R>): Promise<R>;
}

export class PostgresTx implements StoreTx {
  #ops: TxOps | null;
  // One connection: operations a caller starts without awaiting must still run one after another.
  readonly #queue = new SerialQueue();

  constructor(ops: TxOps) {
    this.#ops = ops;
  }

  /** Waits for operations still running, then refuses new ones. */
  async end(): Promise<void> {
    await this.#queue.drain();
    this.#ops = null;
  }

  upsertResponses(...args: Parameters<StoreTx['upsertResponses']>) {
    return this.#run((ops) => ops.upsertResponses(...args));
  }

  ensureLayout(...args: Parameters<StoreTx['ensureLayout']>) {
    return this.#run((ops) => ops.ensureLayout(...args));
  }

  setSyncState(...args: Parameters<StoreTx['setSyncState']>) {
    return this.#run((ops) => ops.setSyncState(...args));
  }

  upsertInProgress(...args: Parameters<StoreTx['upsertInProgress']>) {
    return this.#run((ops) => ops.upsertInProgress(...args));
  }

  removeInProgress(...args: Parameters<StoreTx['removeInProgress']>) {
    return this.#run((ops) => ops.removeInProgress(...args));
  }

  addRunCounts(...args: Parameters<StoreTx['addRunCounts']>) {
    return this.#run((ops) => ops.addRunCounts(...args));
  }

  #run<R>(op: (ops: TxOps) => Promise<R>): Promise<R> {
    const live = () => {
      if (!this.#ops) throw new StoreError('closed', 'transaction handle used after its transaction ended');
      return this.#ops;
    };
    return this.#queue.run(() => {
      const ops = live();
      return ops.savepoint(() => op(ops));
    });
  }
}
