import { describe, expect, it } from 'vitest';
import { backoffDelayMs, parseRetryAfter, retryDelayMs, shouldRetry } from '../../src/client/internal/retry.ts';

const base = { retriesSoFar: 0, maxRetries: 3, idempotent: true, maxRetryAfterMs: 120_000 };

describe('shouldRetry', () => {
  it('retries 408, 429 and 5xx for idempotent requests', () => {
    for (const status of [408, 429, 500, 502, 503, 504]) {
      expect(shouldRetry({ ...base, failure: { kind: 'status', status } })).toEqual({ retry: true });
    }
  });

  it('never retries 400, 401, 403, 404, 409', () => {
    for (const status of [400, 401, 403, 404, 409]) {
      const d = shouldRetry({ ...base, failure: { kind: 'status', status } });
      expect(d).toEqual({ retry: false, reason: `HTTP ${status} is not retryable` });
    }
  });

  it('stops when the retries are used up', () => {
    const d = shouldRetry({ ...base, retriesSoFar: 3, failure: { kind: 'status', status: 503 } });
    expect(d).toEqual({ retry: false, reason: 'retries exhausted (3)' });
    expect(shouldRetry({ ...base, maxRetries: 0, failure: { kind: 'connection', notSent: true } }).retry).toBe(false);
  });

  it('retries connection errors and timeouts only when idempotent or provably not sent', () => {
    expect(shouldRetry({ ...base, failure: { kind: 'connection', notSent: false } }).retry).toBe(true);
    expect(shouldRetry({ ...base, failure: { kind: 'timeout' } }).retry).toBe(true);
    const post = { ...base, idempotent: false };
    expect(shouldRetry({ ...post, failure: { kind: 'connection', notSent: false } })).toEqual({
      retry: false,
      reason: 'not idempotent and the request may have reached Qualtrics',
    });
    expect(shouldRetry({ ...post, failure: { kind: 'timeout' } }).retry).toBe(false);
    expect(shouldRetry({ ...post, failure: { kind: 'connection', notSent: true } }).retry).toBe(true);
  });

  it('retries a throttled (429) POST but not a POST that met a 5xx', () => {
    const post = { ...base, idempotent: false };
    expect(shouldRetry({ ...post, failure: { kind: 'status', status: 429 } }).retry).toBe(true);
    expect(shouldRetry({ ...post, failure: { kind: 'status', status: 503 } }).retry).toBe(false);
  });

  it('refuses a Retry-After longer than allowed', () => {
    const d = shouldRetry({ ...base, retryAfterMs: 600_000, failure: { kind: 'status', status: 429 } });
    expect(d).toEqual({ retry: false, reason: 'Retry-After of 600 s is longer than allowed' });
  });
});

describe('backoff', () => {
  it('grows exponentially within full-jitter bounds', () => {
    const top = () => 0.999999;
    const bottom = () => 0;
    const ceilings = [0, 1, 2, 3, 4].map((i) => backoffDelayMs(i, 1000, top));
    expect(ceilings).toEqual([999, 1999, 3999, 7999, 15999]);
    expect([0, 1, 2, 3].map((i) => backoffDelayMs(i, 1000, bottom))).toEqual([0, 0, 0, 0]);
    expect(backoffDelayMs(2, 1000, () => 0.5)).toBe(2000);
  });

  it('is capped', () => {
    expect(backoffDelayMs(20, 1000, () => 0.999999, 30_000)).toBe(29_999);
  });

  it('lets Retry-After win over backoff', () => {
    expect(retryDelayMs({ retryIndex: 3, baseMs: 1000, random: () => 0.9, retryAfterMs: 2500 })).toBe(2500);
    expect(retryDelayMs({ retryIndex: 1, baseMs: 1000, random: () => 0.5 })).toBe(1000);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-01-01T00:00:00Z');
  it('reads delta seconds', () => {
    expect(parseRetryAfter('7', now)).toBe(7000);
    expect(parseRetryAfter('0.5', now)).toBe(500);
  });
  it('reads an HTTP date', () => {
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:12 GMT', now)).toBe(12_000);
    expect(parseRetryAfter('Tue, 31 Dec 2024 23:00:00 GMT', now)).toBe(0);
  });
  it('ignores absent or unreadable values', () => {
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('', now)).toBeUndefined();
  });
});
