import { describe, expect, it } from 'vitest';
import { StoreError } from '../errors.ts';
import { checkLiveId, STREAM_BATCH, streamBatches } from './stream-batches.ts';

async function* slowly<T>(items: readonly T[]): AsyncGenerator<T> {
  for (const item of items) {
    await Promise.resolve();
    yield item;
  }
}

describe('streamBatches', () => {
  it('flushes full batches, then the rest', async () => {
    const seen: number[][] = [];
    await streamBatches(
      Array.from({ length: 12 }, (_, i) => i),
      async (batch) => {
        seen.push(batch);
      },
      undefined,
      5,
    );
    expect(seen).toEqual([[0, 1, 2, 3, 4], [5, 6, 7, 8, 9], [10, 11]]);
  });

  it('flushes once more, empty, after an exact multiple and for an empty source', async () => {
    const sizes: number[] = [];
    await streamBatches(slowly([1, 2, 3, 4]), async (batch) => void sizes.push(batch.length), undefined, 2);
    await streamBatches([], async (batch) => void sizes.push(batch.length));
    expect(sizes).toEqual([2, 2, 0, 0]);
  });

  it('uses batches of STREAM_BATCH (5,000) by default', async () => {
    const sizes: number[] = [];
    await streamBatches(Array.from({ length: STREAM_BATCH + 1 }, String), async (batch) => void sizes.push(batch.length));
    expect(STREAM_BATCH).toBe(5000);
    expect(sizes).toEqual([5000, 1]);
  });

  it('stops at the first item check refuses: earlier full batches are flushed, nothing after it is read', async () => {
    const flushed: string[][] = [];
    const read: string[] = [];
    const source = (function* () {
      for (const id of ['R_1', 'R_2', 'R_3', '', 'R_5']) {
        read.push(id);
        yield id;
      }
    })();
    const run = streamBatches(source, async (batch) => void flushed.push(batch), (id) => checkLiveId('SV_1', id), 2);
    await expect(run).rejects.toBeInstanceOf(StoreError);
    await expect(run).rejects.toMatchObject({
      code: 'invalid-input',
      message: 'reconcile SV_1: a live response id is empty or not text',
    });
    expect(flushed).toEqual([['R_1', 'R_2']]);
    expect(read).toEqual(['R_1', 'R_2', 'R_3', '']);
  });

  it('a failing flush stops the stream with its error', async () => {
    const run = streamBatches([1, 2, 3], async () => {
      throw new Error('disk full');
    }, undefined, 2);
    await expect(run).rejects.toThrow('disk full');
  });
});

describe('checkLiveId', () => {
  it('accepts text ids and refuses empty or non-text ones with the survey in the message', () => {
    expect(checkLiveId('SV_1', 'R_abc')).toBeUndefined();
    for (const bad of ['', 42, null]) {
      expect(() => checkLiveId('SV_9', bad as string)).toThrow('reconcile SV_9: a live response id is empty or not text');
    }
  });
});
