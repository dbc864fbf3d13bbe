import { describe, expect, it } from 'vitest';
import type { SyncState } from '../store/index.ts';
import {
  baseParams,
  decodePending,
  encodePending,
  idsParams,
  inProgressParams,
  type PlanInput,
  planResponsesExport,
  sameBase,
  windowPlan,
} from './plan.ts';

const NOW = new Date('2025-03-10T12:00:00Z');
const DAY = 86_400_000;

function state(patch: Partial<SyncState> = {}): SyncState {
  return {
    surveyId: 'SV_1234567890abcde',
    continuationToken: null,
    continuationTokenAt: null,
    pendingProgressId: null,
    pendingStartedAt: null,
    pendingParams: null,
    highWaterMark: null,
    lastSuccessAt: null,
    lastRunId: null,
    updatedAt: NOW.toISOString(),
    ...patch,
  };
}

const input = (patch: Partial<PlanInput> = {}): PlanInput => ({
  state: null,
  options: {},
  fullRefresh: false,
  now: NOW,
  overlapMs: DAY,
  tokenMaxAgeMs: 6.5 * DAY,
  ...patch,
});

describe('planResponsesExport', () => {
  it('first run: everything, asking for a token, sorted by last-modified date', () => {
    expect(planResponsesExport(input())).toMatchObject({
      mode: 'full',
      resume: null,
      params: { format: 'csv', compress: true, allowContinuation: true, sortByLastModifiedDate: true },
    });
  });

  it('with a fresh token: only the changes since it', () => {
    const plan = planResponsesExport(input({ state: state({ continuationToken: 'tok', continuationTokenAt: '2025-03-09T12:00:00Z' }) }));
    expect(plan.mode).toBe('continuation');
    expect(plan.params).toEqual({ format: 'csv', compress: true, continuationToken: 'tok', sortByLastModifiedDate: true });
    expect(plan.params).not.toHaveProperty('allowContinuation');
  });

  it('a token older than the limit, or none, falls back to the high-water mark minus the overlap', () => {
    const old = state({ continuationToken: 'tok', continuationTokenAt: '2025-03-01T00:00:00Z', highWaterMark: '2025-03-01T10:00:00.000Z' });
    const plan = planResponsesExport(input({ state: old }));
    expect(plan.mode).toBe('window');
    expect(plan.params).toMatchObject({ startDate: '2025-02-28T10:00:00Z', allowContinuation: true, sortByLastModifiedDate: true });
    expect(plan.params).not.toHaveProperty('continuationToken');
    expect(planResponsesExport(input({ state: state({ highWaterMark: '2025-03-01T10:00:00.000Z' }) })).mode).toBe('window');
  });

  it('without token and high-water mark: everything again', () => {
    expect(planResponsesExport(input({ state: state() })).mode).toBe('full');
    expect(windowPlan(baseParams({}), null, DAY, 'x').mode).toBe('full');
  });

  it('resumes a pending export of the same survey options, with its file id once known', () => {
    const pending = encodePending({ mode: 'continuation', params: { format: 'csv', compress: true, continuationToken: 'old', sortByLastModifiedDate: true }, fileId: 'f-def', continuationToken: 'next' });
    const plan = planResponsesExport(
      input({ state: state({ pendingProgressId: 'ES_abc', pendingParams: pending, continuationToken: 'old', continuationTokenAt: NOW.toISOString() }) }),
    );
    expect(plan.mode).toBe('continuation');
    expect(plan.resume).toEqual({ progressId: 'ES_abc', fileId: 'f-def', continuationToken: 'next' });
    expect(plan.params).toMatchObject({ continuationToken: 'old' });
  });

  it('does not resume when the survey options changed, or on --full-refresh', () => {
    const pending = encodePending({ mode: 'full', params: { format: 'csv', compress: true, allowContinuation: true, sortByLastModifiedDate: true } });
    const s = state({ pendingProgressId: 'ES_abc', pendingParams: pending });
    expect(planResponsesExport(input({ state: s })).resume?.progressId).toBe('ES_abc');
    expect(planResponsesExport(input({ state: s, options: { useLabels: true } })).resume).toBeNull();
    expect(planResponsesExport(input({ state: s, fullRefresh: true })).resume).toBeNull();
  });

  it('ignores pending params it did not write', () => {
    expect(planResponsesExport(input({ state: state({ pendingProgressId: 'ES_x', pendingParams: { what: 1 } }) })).resume).toBeNull();
    expect(decodePending({ mode: 'sideways', params: { format: 'csv' } })).toBeNull();
  });

  it('a survey with a saved filter is exported whole, without continuation or sorting', () => {
    const plan = planResponsesExport(input({ state: state({ continuationToken: 't', continuationTokenAt: NOW.toISOString() }), options: { filterId: 'FT_1' } }));
    expect(plan).toMatchObject({ mode: 'filtered', params: { format: 'csv', compress: true, filterId: 'FT_1' } });
    expect(plan.params).not.toHaveProperty('allowContinuation');
    expect(plan.params).not.toHaveProperty('sortByLastModifiedDate');
  });

  it('carries the survey options into every export', () => {
    const options = { useLabels: true, questionIds: ['QID1'], timeZone: 'Europe/Berlin' };
    expect(planResponsesExport(input({ options })).params).toMatchObject(options);
  });
});

describe('snapshot exports', () => {
  it('ids only: the response id metadata and nothing else, with the survey filter', () => {
    expect(idsParams({ useLabels: true, filterId: 'FT_1' })).toEqual({
      format: 'csv',
      compress: true,
      surveyMetadataIds: ['_recordId'],
      questionIds: [],
      embeddedDataIds: [],
      filterId: 'FT_1',
    });
  });

  it('in progress: the survey options, no filter', () => {
    expect(inProgressParams({ useLabels: true, filterId: 'FT_1' })).toEqual({ format: 'csv', compress: true, useLabels: true, exportResponsesInProgress: true });
  });

  it('sameBase ignores the cursor keys only', () => {
    const base = baseParams({ questionIds: ['QID1'] });
    expect(sameBase({ ...base, continuationToken: 'x', sortByLastModifiedDate: true }, base)).toBe(true);
    expect(sameBase({ ...base, questionIds: ['QID2'] }, base)).toBe(false);
  });
});
