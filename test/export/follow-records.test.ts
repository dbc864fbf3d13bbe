import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { APIUserAbortError } from '../../src/client/index.ts';
import { ExportDownloadError, type ExportProgressEvent, type ExportRecords, exportRecords } from '../../src/export/index.ts';
import { bytes, fakeTime, ok, SV, scriptedClient, scriptedFetch, zipOf } from './helpers.ts';
import { javaZip } from './java-zip.ts';

const START = /\/export-responses$/;
const PROGRESS = /\/export-responses\/ES_[^/]+$/;
const FILE = /\/file$/;
const started = ok({ progressId: 'ES_abc', percentComplete: 0, status: 'inProgress' });
const complete = ok({ progressId: 'ES_abc', percentComplete: 100, status: 'complete', fileId: 'f1-def' });

const HEADER = [
  'StartDate,ResponseId,Q1',
  'Start Date,Response ID,Q1',
  '"{""ImportId"":""startDate"",""timeZone"":""UTC""}","{""ImportId"":""_recordId""}","{""ImportId"":""QID1""}"',
];
/** A csv export of `rows` responses R_000…; big enough to take many reads when `rows` is large. */
function csv(rows: number): string {
  const lines = [...HEADER];
  for (let i = 0; i < rows; i++) lines.push(`2024-01-02 03:04:05,R_${String(i).padStart(15, '0')},${i % 10}`);
  return `${lines.join('\r\n')}\r\n`;
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'qsync-follow-records-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A body that sends `body` up to `at`, then waits for `gate` before the rest (or for ever, without one). */
function gated(body: Buffer, at: number, gate?: Promise<void>) {
  return () =>
    new Response(
      new ReadableStream<Uint8Array>({
        async start(controller) {
          controller.enqueue(new Uint8Array(body.subarray(0, at)));
          await (gate ?? new Promise(() => undefined));
          controller.enqueue(new Uint8Array(body.subarray(at)));
          controller.close();
        },
      }),
      { status: 200, headers: { 'content-type': 'application/octet-stream', 'content-length': String(body.length) } },
    );
}

/** The scripted API of one export whose file requests get `fileAnswers` in turn; bodies end when fetch is aborted. */
function script(fileAnswers: Array<() => Response>) {
  const s = scriptedFetch([
    ['POST', START, [started]],
    ['GET', PROGRESS, [complete]],
    ['GET', FILE, fileAnswers],
  ]);
  const fetch = async (url: string, init: RequestInit) => abortable(await s.fetch(url, init), init.signal);
  return { ...s, fetch };
}

/** `res` with a body that fails once `signal` fires, as fetch's own bodies do. */
function abortable(res: Response, signal: AbortSignal | null | undefined): Response {
  if (!signal || !res.body) return res;
  const reader = res.body.getReader();
  const aborted = new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }));
  aborted.catch(() => undefined);
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await Promise.race([reader.read(), aborted]);
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    cancel: (reason) => reader.cancel(reason),
  });
  return new Response(body, { status: res.status, headers: res.headers });
}

async function open(s: ReturnType<typeof script>, options: { signal?: AbortSignal; events?: ExportProgressEvent[] } = {}): Promise<ExportRecords> {
  const time = fakeTime();
  return exportRecords(scriptedClient(s.fetch, time), { surveyId: SV, params: { format: 'csv' } }, {
    tempDir: dir,
    now: time.now,
    sleep: time.sleep,
    ...(options.signal ? { signal: options.signal } : {}),
    onProgress: (e) => options.events?.push(e),
  });
}

async function ids(opened: ExportRecords): Promise<{ ids: string[]; error?: unknown }> {
  const out: string[] = [];
  try {
    for await (const r of opened.records()) out.push(r.responseId!);
    return { ids: out };
  } catch (error) {
    return { ids: out, error };
  }
}

describe('exportRecords while the file downloads', () => {
  it('hands on records before the download has ended', async () => {
    const zip = javaZip('S.csv', Buffer.from(csv(30_000))).bytes;
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const events: ExportProgressEvent[] = [];
    const opened = await open(script([gated(zip, zip.length >> 1, gate)]), { events });
    expect(opened.columns.columns.map((c) => c.key)).toEqual(['startDate', '_recordId', 'QID1']);
    const seen: string[] = [];
    let bytesAtFirst = -1;
    for await (const record of opened.records()) {
      if (seen.length === 0) {
        bytesAtFirst = opened.bytes;
        release();
      }
      seen.push(record.responseId!);
    }
    expect(bytesAtFirst).toBeLessThan(zip.length);
    expect(seen).toHaveLength(30_000);
    expect(seen[29_999]).toBe('R_000000000029999');
    expect(opened.bytes).toBe(zip.length);
    const phases = events.map((e) => e.phase);
    expect(phases.indexOf('parsing')).toBeLessThan(phases.lastIndexOf('downloading'));
    expect(phases).not.toContain('verifying');
    expect(phases.at(-1)).toBe('done');
    expect(await readdir(dir)).toEqual([]);
  });

  it('reads on after a download cut short, from a second download, without repeating a record', async () => {
    const zip = javaZip('S.csv', Buffer.from(csv(20_000))).bytes;
    const events: ExportProgressEvent[] = [];
    const s = script([bytes(zip.subarray(0, zip.length >> 1), zip.length), bytes(zip, zip.length)]);
    const opened = await open(s, { events });
    const got = await ids(opened);
    expect(got.error).toBeUndefined();
    expect(got.ids).toHaveLength(20_000);
    expect(new Set(got.ids).size).toBe(20_000);
    expect(s.count('GET', FILE)).toBe(2);
    expect(events.some((e) => e.phase === 'downloading' && e.attempt === 2)).toBe(true);
    expect(await readdir(dir)).toEqual([]);
  });

  it('fails the pass, after the records, when the CRC-32 does not match: nothing ends as complete', async () => {
    const built = javaZip('S.csv', Buffer.from(csv(2000)));
    const zip = Buffer.from(built.bytes);
    zip[built.descriptorAt + 5]! ^= 0x10;
    const s = script([bytes(zip, zip.length)]);
    const got = await ids(await open(s));
    expect(got.ids).toHaveLength(2000);
    expect(got.error).toBeInstanceOf(ExportDownloadError);
    expect((got.error as Error).message).toMatch(
      /^export file f1-def of SV_\w+ is corrupt \(CRC-32 or size does not match the data descriptor .*\); the records read from it are incomplete/,
    );
    expect(s.count('GET', FILE)).toBe(1);
    expect(await readdir(dir)).toEqual([]);
  });

  it('gives up with ExportDownloadError when every download is cut short', async () => {
    const zip = javaZip('S.csv', Buffer.from(csv(5000))).bytes;
    const s = script([bytes(zip.subarray(0, zip.length - 100), zip.length)]);
    // The header may be read before the last attempt fails, or not: the error is the same either way.
    const error = await open(s).then(
      async (opened) => (await ids(opened)).error,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(ExportDownloadError);
    expect((error as Error).message).toMatch(/could not be downloaded intact in 3 attempts/);
    expect(s.count('GET', FILE)).toBe(3);
    expect(await readdir(dir)).toEqual([]);
  });

  it('stops the download and removes its files on abort and on an early close', async () => {
    const zip = javaZip('S.csv', Buffer.from(csv(20_000))).bytes;
    const controller = new AbortController();
    const aborted = await open(script([gated(zip, zip.length >> 1)]), { signal: controller.signal });
    const reading = ids(aborted);
    await new Promise((resolve) => setTimeout(resolve, 50));
    controller.abort();
    const got = await reading;
    expect(got.error).toBeInstanceOf(APIUserAbortError);
    expect(got.ids.length).toBeGreaterThan(0);
    expect(await readdir(dir)).toEqual([]);

    const early = await open(script([gated(zip, zip.length >> 1)]));
    expect(await readdir(dir)).toHaveLength(1);
    await early.close();
    expect(await readdir(dir)).toEqual([]);
  });

  it('verifies a zip it does not follow (stored entry) before reading it, as before', async () => {
    const good = await zipOf('S.csv', csv(3), { compress: false });
    const flipped = Buffer.from(good);
    flipped[flipped.indexOf('R_000000000000001') + 4] = 'X'.charCodeAt(0);
    const events: ExportProgressEvent[] = [];
    const s = script([bytes(flipped, flipped.length), bytes(good, good.length)]);
    expect((await ids(await open(s, { events }))).ids).toEqual(['R_000000000000000', 'R_000000000000001', 'R_000000000000002']);
    expect(s.count('GET', FILE)).toBe(2);
    const phases = events.map((e) => e.phase).filter((p, i, all) => p !== all[i - 1]);
    expect(phases).toEqual(['starting', 'polling', 'downloading', 'verifying', 'downloading', 'verifying', 'parsing', 'done']);
  });

  it('reads an unzipped csv once it is downloaded, as before', async () => {
    const s = script([bytes(Buffer.from(csv(3)))]);
    const opened = await open(s);
    expect(opened.bytes).toBe(Buffer.byteLength(csv(3)));
    expect((await ids(opened)).ids).toEqual(['R_000000000000000', 'R_000000000000001', 'R_000000000000002']);
    expect(await readdir(dir)).toEqual([]);
  });
});
