import { APIUserAbortError } from '../../client/index.ts';

/** Abortable wait (ms); rejects with `APIUserAbortError` when `signal` fires. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** The default `Sleep`, on real timers. */
export const realSleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(new APIUserAbortError());
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(new APIUserAbortError());
    };
    const timer = setTimeout(
      () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      },
      Math.max(0, ms),
    );
    signal?.addEventListener('abort', onAbort, { once: true });
  });
