import { describe, expect, it } from 'vitest';
import { StoreCalls } from './store-calls.ts';

describe('StoreCalls', () => {
  it('runs calls one at a time in call order, a failure not blocking the next', async () => {
    const calls = new StoreCalls();
    const log: string[] = [];
    const slow = calls.run(async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      log.push('slow');
      throw new Error('boom');
    });
    const fast = calls.run(() => {
      log.push('fast');
      return 2;
    });
    await expect(slow).rejects.toThrow('boom');
    expect(await fast).toBe(2);
    expect(log).toEqual(['slow', 'fast']);
  });

  it('refuses store calls and close from inside a transaction callback, and allows them outside', async () => {
    const calls = new StoreCalls();
    const inside = await calls.inTransaction(async () => {
      const call = (() => {
        try {
          calls.refuseInTransaction();
          return 'allowed';
        } catch (err) {
          return err;
        }
      })();
      const close = await calls.drain().then(
        () => 'drained',
        (err: unknown) => err,
      );
      return { call, close };
    });
    expect(inside.call).toMatchObject({
      code: 'misuse',
      message: 'store method called inside store.transaction(); use the tx argument',
    });
    expect(inside.close).toMatchObject({ code: 'misuse', message: 'close() called inside a transaction' });
    expect(calls.refuseInTransaction()).toBeUndefined();
    await expect(calls.drain()).resolves.toBeUndefined();
  });
});
