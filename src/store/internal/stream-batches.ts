/**
 * Streamed store inputs (live response ids, in-progress records) are written to a temporary table a batch at a
 * time, so memory stays flat however many items the source yields.
 */
import { StoreError } from '../errors.ts';

/** Items per batch of a streamed input. */
export const STREAM_BATCH = 5000;

/**
 * Reads `items` to the end, calling `flush` with each full batch of `size` items (default `STREAM_BATCH`) and
 * once more with the rest, which may be empty. `check`, when given, sees each item before it joins a batch and
 * may throw to stop the stream.
 */
export async function streamBatches<T>(
  items: AsyncIterable<T> | Iterable<T>,
  flush: (batch: T[]) => Promise<unknown>,
  check?: (item: T) => void,
  size = STREAM_BATCH,
): Promise<void> {
  let batch: T[] = [];
  for await (const item of items) {
    check?.(item);
    batch.push(item);
    if (batch.length >= size) {
      const full = batch;
      batch = [];
      await flush(full);
    }
  }
  await flush(batch);
}

/** Throws `invalid-input` for a live response id of `surveyId` that is empty or not text. */
export function checkLiveId(surveyId: string, id: string): void {
  if (typeof id !== 'string' || id.length === 0) {
    throw new StoreError('invalid-input', `reconcile ${surveyId}: a live response id is empty or not text`);
  }
}
