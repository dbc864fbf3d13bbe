import { describe, expect, it } from 'vitest';
import { ProgressLine } from './sync-progress.ts';

const ev = (phase: 'exporting' | 'downloading' | 'loading' | 'done', extra: { percent?: number; bytes?: number; rows?: number } = {}) => ({
  surveyId: 'SV_1',
  phase,
  ...extra,
});

describe('ProgressLine', () => {
  it('stays on loading while a download still runs, showing both counts', () => {
    const line = new ProgressLine(1000);
    expect(line.update(ev('exporting', { percent: 50 }))).toEqual({ value: 15, phase: 'exporting', detail: '50%' });
    expect(line.update(ev('downloading', { bytes: 2_500_000 }))).toEqual({ value: 30, phase: 'downloading', detail: '2.5 MB' });
    expect(line.update(ev('loading', { rows: 500 }))).toEqual({ value: 60, phase: 'loading', detail: '500 responses (2.5 MB downloaded)' });
    // A later download event (the file is still arriving) keeps the bar on loading and the rows where they were.
    expect(line.update(ev('downloading', { bytes: 4_000_000 }))).toEqual({ value: 60, phase: 'loading', detail: '500 responses (4.0 MB downloaded)' });
    expect(line.update(ev('loading', { rows: 1000 }))).toEqual({ value: 90, phase: 'loading', detail: '1,000 responses (4.0 MB downloaded)' });
    expect(line.update(ev('done', { rows: 1000 }))).toEqual({ value: 100, phase: 'done', detail: '1,000 responses' });
  });

  it('starts afresh with the next export of the survey', () => {
    const line = new ProgressLine(null);
    line.update(ev('downloading', { bytes: 1e6 }));
    line.update(ev('loading', { rows: 10 }));
    line.update(ev('exporting', { percent: 0 }));
    expect(line.update(ev('downloading', { bytes: 2e6 }))).toEqual({ value: 30, phase: 'downloading', detail: '2.0 MB' });
    expect(line.update(ev('loading', { rows: 3 }))).toEqual({ value: 30, phase: 'loading', detail: '3 responses (2.0 MB downloaded)' });
  });
});
