/**
 * The call discipline both stores share: calls run one at a time (one connection, one transaction at a time), and
 * a store method called from inside `store.transaction()`'s callback is refused instead of waiting on itself.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { StoreError } from '../errors.ts';
import { SerialQueue } from './serial-queue.ts';

/** The queue and the in-transaction mark of one store. */
export class StoreCalls {
  readonly #queue = new SerialQueue();
  readonly #inTransaction = new AsyncLocalStorage<boolean>();

  /** Throws `misuse` when called from inside a transaction's callback (the call would wait for the transaction). */
  refuseInTransaction(): void {
    if (this.#inTransaction.getStore()) {
      throw new StoreError('misuse', 'store method called inside store.transaction(); use the tx argument');
    }
  }

  /** Runs `task` after every call queued before it has settled. */
  run<T>(task: () => T | Promise<T>): Promise<T> {
    return this.#queue.run(task);
  }

  /** Runs a transaction's callback, marked so that store calls made inside it are refused. */
  inTransaction<T>(fn: () => Promise<T>): Promise<T> {
    return this.#inTransaction.run(true, fn);
  }

  /** Waits for every queued call before the store closes; `misuse` from inside a transaction. */
  async drain(): Promise<void> {
    if (this.#inTransaction.getStore()) throw new StoreError('misuse', 'close() called inside a transaction');
    await this.#queue.drain();
  }
}
