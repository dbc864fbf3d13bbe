import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { APIUserAbortError, BadRequestError, ExportFailedError } from '../../src/client/index.ts';
import {
  ExportDownloadError,
  ExportStartUnknownError,
  ExportTimeoutError,
  exportRecords,
  exportToFile,
  pollExport,
} from '../../src/export/index.ts';
import { bytes, connError, fail, fakeTime, ok, SV, scriptedClient, scriptedFetch, zipOf } from './helpers.ts';

const START = /\/export-responses$/;
const PROGRESS = /\/export-responses\/ES_[^/]+$/;
const FILE = /\/file$/;
const CSV = [
  'StartDate,ResponseId,Q1',
  'Start Date,Response ID,Q1',
  '"{""ImportId"":""startDate"",""timeZone"":""UTC""}","{""ImportId"":""_recordId""}","{""ImportId"":""QID1""}"',
  '2024-01-02 03:04:05,R_1abcdefghijklmn,7',
  '',
].join('\n');

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'qsync-export-test-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const started = ok({ progressId: 'ES_abc', percentComplete: 0, status: 'inProgress' });
const complete = ok({ progressId: 'ES_abc', percentComplete: 100, status: 'complete', fileId: 'f1-def', continuationToken: 'tok' });

describe('export start', () => {
  it('does not repeat a start whose outcome is unknown (5xx) and says a job may have started', async () => {
    const s = scriptedFetch([['POST', START, [fail(500, 'SRV_1')]]]);
    const run = exportToFile(scriptedClient(s.fetch), { surveyId: SV, params: { format: 'csv' } }, { out: dir });
    await expect(run).rejects.toThrow(ExportStartUnknownError);
    await expect(run).rejects.toThrow(/a job may have started/);
    expect(s.count('POST', START)).toBe(1);
  });

  it('does not repeat a start whose connection dropped after sending', async () => {
    const s = scriptedFetch([['POST', START, [connError('ECONNRESET')]]]);
    await expect(exportToFile(scriptedClient(s.fetch), { surveyId: SV, params: { format: 'csv' } }, { out: dir })).rejects.toThrow(
      ExportStartUnknownError,
    );
    expect(s.count('POST', START)).toBe(1);
  });

  it('retries a start that provably never left (connection refused) and passes a 400 through as is', async () => {
    const refused = scriptedFetch([
      ['POST', START, [connError('ECONNREFUSED'), started]],
      ['GET', PROGRESS, [complete]],
      ['GET', FILE, [bytes(Buffer.from(CSV))]],
    ]);
    const result = await exportToFile(scriptedClient(refused.fetch), { surveyId: SV, params: { format: 'csv', compress: false } }, { out: join(dir, 'a.csv') });
    expect(refused.count('POST', START)).toBe(2);
    expect(await readFile(result.path, 'utf8')).toBe(CSV);
    const bad = scriptedFetch([['POST', START, [fail(400, 'RCE_1', 'bad option')]]]);
    await expect(exportToFile(scriptedClient(bad.fetch), { surveyId: SV, params: { format: 'csv' } }, { out: dir })).rejects.toThrow(BadRequestError);
  });

  it('validates the options before any request', async () => {
    const s = scriptedFetch([]);
    await expect(
      exportToFile(scriptedClient(s.fetch), { surveyId: SV, params: { format: 'json', useLabels: true } }, { out: dir }),
    ).rejects.toThrow(/useLabels is not allowed with format json/);
    expect(s.seen).toHaveLength(0);
  });
});

describe('polling', () => {
  it('reports the progress id before the first poll and resumes a known job without starting one', async () => {
    const s = scriptedFetch([
      ['GET', PROGRESS, [ok({ percentComplete: 40, status: 'inProgress' }), complete]],
      ['GET', FILE, [bytes(Buffer.from(CSV))]],
    ]);
    const events: string[] = [];
    const time = fakeTime();
    const result = await exportToFile(
      scriptedClient(s.fetch, time),
      { surveyId: SV, params: { format: 'csv', compress: false } },
      {
        out: join(dir, 'out.csv'),
        resume: { progressId: 'ES_resumed' },
        onStarted: (job) => {
          events.push(`started ${job.progressId} after ${s.seen.length} requests`);
        },
        now: time.now,
        sleep: time.sleep,
      },
    );
    expect(events).toEqual(['started ES_resumed after 0 requests']);
    expect(s.count('POST', START)).toBe(0);
    expect(s.seen.map((r) => r.path)).toContain(`/API/v3/surveys/${SV}/export-responses/ES_resumed`);
    expect(result).toMatchObject({ progressId: 'ES_resumed', fileId: 'f1-def', continuationToken: 'tok', polls: 2 });
  });

  it('downloads a job known to be complete (resumed with its file id) without polling', async () => {
    const s = scriptedFetch([['GET', FILE, [bytes(Buffer.from(CSV))]]]);
    const hooks: string[] = [];
    const result = await exportToFile(
      scriptedClient(s.fetch),
      { surveyId: SV, params: { format: 'csv', compress: false } },
      {
        out: join(dir, 'done.csv'),
        resume: { progressId: 'ES_done', fileId: 'f9-def', continuationToken: 'tok9' },
        onStarted: () => {
          hooks.push('started');
        },
      },
    );
    expect(s.seen.map((r) => `${r.method} ${r.path}`)).toEqual([`GET /API/v3/surveys/${SV}/export-responses/f9-def/file`]);
    expect(hooks).toEqual([]);
    expect(result).toMatchObject({ progressId: 'ES_done', fileId: 'f9-def', continuationToken: 'tok9', polls: 0 });
  });

  it('ends a failed job with ExportFailedError naming it', async () => {
    const s = scriptedFetch([['GET', PROGRESS, [ok({ percentComplete: 100, status: 'failed', fileId: null })]]]);
    const time = fakeTime();
    const run = pollExport(scriptedClient(s.fetch, time), { surveyId: SV, progressId: 'ES_x' }, { now: time.now, sleep: time.sleep });
    await expect(run).rejects.toThrow(ExportFailedError);
    await expect(run).rejects.toThrow(/export ES_x of SV_0123456789abcde failed/);
  });

  it('ends on a 404 progress id with ExportFailedError', async () => {
    const s = scriptedFetch([['GET', PROGRESS, [fail(404, 'EXP_404', 'not found')]]]);
    const time = fakeTime();
    const run = pollExport(scriptedClient(s.fetch, time), { surveyId: SV, progressId: 'ES_gone' }, { now: time.now, sleep: time.sleep });
    await expect(run).rejects.toThrow(/unknown to Qualtrics \(404/);
    expect(s.count('GET', PROGRESS)).toBe(1);
  });

  it('gives up after the timeout with the progress id to resume', async () => {
    const s = scriptedFetch([['GET', PROGRESS, [ok({ percentComplete: 0, status: 'inProgress' })]]]);
    const time = fakeTime();
    const run = pollExport(scriptedClient(s.fetch, time), { surveyId: SV, progressId: 'ES_slow' }, { now: time.now, sleep: time.sleep, timeoutMs: 60_000 });
    await expect(run).rejects.toThrow(ExportTimeoutError);
    await expect(run).rejects.toThrow(/resume polling progress id ES_slow/);
    // Geometric backoff capped at 15 s: a minute of waiting costs a handful of requests.
    expect(s.count('GET', PROGRESS)).toBeLessThanOrEqual(2 * 12);
    expect(time.sleeps.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(60_000);
  });

  it('stops at once when aborted while waiting', async () => {
    const s = scriptedFetch([['GET', PROGRESS, [ok({ percentComplete: 10, status: 'inProgress' })]]]);
    const controller = new AbortController();
    const run = pollExport(scriptedClient(s.fetch), { surveyId: SV, progressId: 'ES_x' }, {
      signal: controller.signal,
      onProgress: () => controller.abort(),
      poll: { initialDelayMs: 1, minDelayMs: 1 },
    });
    await expect(run).rejects.toThrow(APIUserAbortError);
    await expect(run).rejects.toThrow(/aborted by the caller while polling/);
    expect(s.count('GET', PROGRESS)).toBe(1);
  });
});

describe('download', () => {
  it('re-downloads a corrupt zip and a short body, then unzips the good one into place', async () => {
    const good = await zipOf('My Survey.csv', CSV);
    const corrupt = Buffer.concat([good.subarray(0, 30), Buffer.alloc(good.length - 30, 7)]);
    const s = scriptedFetch([
      ['POST', START, [started]],
      ['GET', PROGRESS, [complete]],
      ['GET', FILE, [bytes(corrupt), bytes(good.subarray(0, 40), good.length), bytes(good, good.length)]],
    ]);
    const time = fakeTime();
    const result = await exportToFile(scriptedClient(s.fetch, time), { surveyId: SV, params: { format: 'csv' } }, { out: dir, now: time.now, sleep: time.sleep });
    expect(result.downloadAttempts).toBe(3);
    expect(result.path).toBe(join(dir, 'My Survey.csv'));
    expect(await readFile(result.path, 'utf8')).toBe(CSV);
    expect(await readdir(dir)).toEqual(['My Survey.csv']);
  });

  it('catches a zip whose data does not match its CRC-32 and downloads it again', async () => {
    const good = await zipOf('S.csv', CSV, { compress: false });
    const flipped = Buffer.from(good);
    const at = flipped.indexOf('R_1abcdefghijklmn');
    flipped[at + 2] = 'X'.charCodeAt(0);
    const s = scriptedFetch([
      ['POST', START, [started]],
      ['GET', PROGRESS, [complete]],
      ['GET', FILE, [bytes(flipped, flipped.length), bytes(good, good.length)]],
    ]);
    const time = fakeTime();
    const phases: string[] = [];
    const result = await exportToFile(scriptedClient(s.fetch, time), { surveyId: SV, params: { format: 'csv' } }, {
      out: dir,
      now: time.now,
      sleep: time.sleep,
      onProgress: (e) => {
        if (phases.at(-1) !== e.phase) phases.push(e.phase);
      },
    });
    expect(result.downloadAttempts).toBe(2);
    expect(await readFile(result.path, 'utf8')).toBe(CSV);
    expect(phases).toEqual(['starting', 'polling', 'downloading', 'verifying', 'downloading', 'verifying', 'unzipping', 'done']);
  });

  it('gives up after the allowed attempts and leaves nothing behind', async () => {
    const good = await zipOf('S.csv', CSV);
    const s = scriptedFetch([
      ['POST', START, [started]],
      ['GET', PROGRESS, [complete]],
      ['GET', FILE, [bytes(good.subarray(0, 50), good.length)]],
    ]);
    const time = fakeTime();
    const run = exportToFile(scriptedClient(s.fetch, time), { surveyId: SV, params: { format: 'csv' } }, { out: dir, downloadAttempts: 2, now: time.now, sleep: time.sleep });
    await expect(run).rejects.toThrow(ExportDownloadError);
    await expect(run).rejects.toThrow(/could not be downloaded intact in 2 attempts/);
    expect(s.count('GET', FILE)).toBe(2);
    expect(await readdir(dir)).toEqual([]);
  });

  it('turns an expired file (404) into ExportFailedError', async () => {
    const s = scriptedFetch([
      ['POST', START, [started]],
      ['GET', PROGRESS, [complete]],
      ['GET', FILE, [fail(404, 'FILE_404', 'gone')]],
    ]);
    const time = fakeTime();
    await expect(
      exportToFile(scriptedClient(s.fetch, time), { surveyId: SV, params: { format: 'csv' } }, { out: dir, now: time.now, sleep: time.sleep }),
    ).rejects.toThrow(/is gone \(404/);
    expect(await readdir(dir)).toEqual([]);
  });

  it('names a file from the survey name through safeFileName when the file is not zipped', async () => {
    const s = scriptedFetch([
      ['POST', START, [started]],
      ['GET', PROGRESS, [complete]],
      ['GET', FILE, [bytes(Buffer.from(CSV))]],
      ['GET', /\/surveys\/SV_[^/]+$/, [ok({ id: SV, name: '../../etc/passwd: <evil>?' })]],
    ]);
    const time = fakeTime();
    const result = await exportToFile(scriptedClient(s.fetch, time), { surveyId: SV, params: { format: 'csv', compress: false } }, { out: dir, now: time.now, sleep: time.sleep });
    expect(result.path).toBe(join(dir, '_.._etc_passwd_ _evil__.csv'));
    expect(await readdir(dir)).toEqual(['_.._etc_passwd_ _evil__.csv']);
  });

  it('checks the output location before starting an export', async () => {
    const s = scriptedFetch([]);
    await expect(exportToFile(scriptedClient(s.fetch), { surveyId: SV, params: { format: 'csv' } }, { out: join(dir, 'missing', 'x.csv') })).rejects.toThrow(
      /directory .*missing does not exist/,
    );
    expect(s.seen).toHaveLength(0);
  });
});

describe('records', () => {
  it('parses the download and removes its temporary directory when the loop ends or breaks', async () => {
    const good = await zipOf('S.csv', CSV + CSV.split('\n').slice(3).join('\n'));
    const s = scriptedFetch([
      ['POST', START, [started]],
      ['GET', PROGRESS, [complete]],
      ['GET', FILE, [bytes(good, good.length)]],
    ]);
    const time = fakeTime();
    const opened = await exportRecords(scriptedClient(s.fetch, time), { surveyId: SV, params: { format: 'csv' } }, { tempDir: dir, now: time.now, sleep: time.sleep });
    expect(await readdir(dir)).toHaveLength(1);
    const rows = [];
    for await (const record of opened.records()) rows.push(record);
    expect(rows.map((r) => r.values)).toEqual([
      { startDate: '2024-01-02T03:04:05.000Z', _recordId: 'R_1abcdefghijklmn', QID1: 7 },
      { startDate: '2024-01-02T03:04:05.000Z', _recordId: 'R_1abcdefghijklmn', QID1: 7 },
    ]);
    expect(opened.job.continuationToken).toBe('tok');
    expect(await readdir(dir)).toEqual([]);

    const again = await exportRecords(scriptedClient(s.fetch, time), { surveyId: SV, params: { format: 'csv' } }, { tempDir: dir, now: time.now, sleep: time.sleep });
    for await (const _ of again.records()) break;
    expect(await readdir(dir)).toEqual([]);
  });

  it('refuses xml, which is file-only, before starting', async () => {
    const s = scriptedFetch([]);
    await expect(exportRecords(scriptedClient(s.fetch), { surveyId: SV, params: { format: 'xml' } }, { tempDir: dir })).rejects.toThrow(/file-only/);
    expect(s.seen).toHaveLength(0);
  });
});
