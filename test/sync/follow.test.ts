import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QualtricsClient } from '../../src/client/index.ts';
import type { Simulator } from '../../src/sim/index.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import { runSync, type SurveyTarget, type SyncProgressEvent } from '../../src/sync/index.ts';
import { control, diffWithTruth, groundTruth, startSim, tempDir } from './helpers.ts';

/**
 * A csv export is loaded while its zip downloads (src/export/open-download.ts): records reach the store before the
 * download ends, and a download that turns out corrupt fails the run without moving the cursor.
 */

const FILE = /\/export-responses\/[^/]+\/file$/;
/** Compressed bytes let through before the gate: a few hundred responses, far fewer than the file holds. */
const GATE_BYTES = 64 * 1024;

let sim: Simulator;
let store: Store;
let dir: ReturnType<typeof tempDir>;
let target: SurveyTarget;
/** What the next file download does to its body. */
let fileBody: (res: Response) => Promise<Response> = async (res) => res;

/** A client for `sim` whose file downloads go through `fileBody`; rate waits pass at once, as in `clientFor`. */
function client(): QualtricsClient {
  let skewMs = 0;
  return new QualtricsClient({
    baseUrl: sim.url,
    apiToken: sim.apiToken,
    tokenCache: false,
    env: {},
    fetch: async (url, init) => {
      const res = await fetch(url, init);
      return FILE.test(new URL(url).pathname) && res.ok ? fileBody(res) : res;
    },
    clock: { now: () => Date.now() + skewMs },
    sleep: async (ms) => {
      skewMs += Math.max(0, ms);
    },
  });
}

/** `res` with its body held, once at least `at` bytes went through, until `gate` resolves. */
function held(res: Response, at: number, gate: Promise<void>): Response {
  const reader = res.body!.getReader();
  let sent = 0;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (sent >= at) await gate;
      const next = await reader.read();
      if (next.done) {
        controller.close();
        return;
      }
      sent += next.value.length;
      controller.enqueue(next.value);
    },
    cancel: (reason) => reader.cancel(reason),
  });
  return new Response(body, { status: res.status, headers: res.headers });
}

/** `res` with the CRC-32 in its zip's data descriptor flipped: every record inflates fine, the check at the end fails. */
async function withBadCrc(res: Response): Promise<Response> {
  const body = Buffer.from(await res.arrayBuffer());
  const at = body.lastIndexOf(Buffer.from([0x50, 0x4b, 0x07, 0x08]));
  body[at + 4]! ^= 0xff;
  return new Response(new Uint8Array(body), { status: res.status, headers: res.headers });
}

beforeAll(async () => {
  ({ sim } = await startSim({ seed: 23, surveys: 1, responsesPerSurvey: 3000 }));
  dir = tempDir();
  store = await openStore(join(dir.dir, 'qsync.db'));
  target = { surveyId: sim.surveyIds[0]! };
});

afterAll(async () => {
  await store?.close();
  await sim?.close();
  dir?.remove();
});

async function expectExact(): Promise<void> {
  expect(await diffWithTruth(store, target.surveyId, await groundTruth(sim, target.surveyId))).toEqual([]);
}

describe('loading a csv export while it downloads', () => {
  it('stores records before the download has ended, and all of them by the end', async () => {
    const events: SyncProgressEvent[] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    // Only a deadlock breaker: a loader that waited for the whole file would see the gate open late, not hang.
    const fallback = setTimeout(release, 10_000);
    fileBody = async (res) => held(res, GATE_BYTES, gate);
    const [result] = await runSync({ client: client(), store }, [target], {
      batchSize: 100,
      tmpDir: dir.dir,
      onProgress: (e) => {
        events.push(e);
        if (e.phase === 'loading' && (e.rows ?? 0) > 0) release();
      },
    });
    clearTimeout(fallback);
    expect(result, result?.error ?? '').toMatchObject({ status: 'success', mode: 'full', inserted: 3000, exported: 3000 });
    const firstLoaded = events.findIndex((e) => e.phase === 'loading' && (e.rows ?? 0) > 0);
    const lastDownloading = events.findLastIndex((e) => e.phase === 'downloading');
    expect(firstLoaded).toBeGreaterThan(0);
    // Rows were committed while bytes were still arriving: a downloading event came after the first loaded batch.
    expect(lastDownloading).toBeGreaterThan(firstLoaded);
    expect(events[firstLoaded]!.rows).toBeLessThan(3000);
    await expectExact();
  });

  it('a corrupt download fails the run with the cursor unmoved; the next run downloads it again and ends exact', async () => {
    const before = (await store.getSyncState(target.surveyId))!;
    expect(before.continuationToken).toBeTruthy();
    await control(sim, target.surveyId, 'add', 400);
    await control(sim, target.surveyId, 'edit', 50);
    fileBody = withBadCrc;
    const [failed] = await runSync({ client: client(), store }, [target], { batchSize: 100, tmpDir: dir.dir });
    expect(failed?.status).toBe('failed');
    expect(failed?.error).toMatch(/^export file \S+ of SV_\w+ is corrupt \(CRC-32 or size does not match the data descriptor/);
    const after = (await store.getSyncState(target.surveyId))!;
    expect(after).toMatchObject({
      continuationToken: before.continuationToken,
      continuationTokenAt: before.continuationTokenAt,
      highWaterMark: before.highWaterMark,
      lastSuccessAt: before.lastSuccessAt,
    });
    // The finished job stays pending with its file id: the next run downloads that file again.
    expect(after.pendingParams).toMatchObject({ mode: 'continuation', fileId: expect.stringMatching(/-def$/) });

    fileBody = async (res) => res;
    const [ok] = await runSync({ client: client(), store }, [target], { batchSize: 100, tmpDir: dir.dir });
    expect(ok, ok?.error ?? '').toMatchObject({ status: 'success', resumed: true });
    expect((await store.getSyncState(target.surveyId))?.pendingProgressId).toBeNull();
    await expectExact();
  });

  it('a download cut short is fetched again and loaded on from where it stopped, every response once', async () => {
    await control(sim, target.surveyId, 'add', 2000);
    fileBody = async (res) => res;
    await fetch(`${sim.url}/_sim/stats`, { method: 'DELETE' });
    const faults = await fetch(`${sim.url}/_sim/faults`, {
      method: 'POST',
      body: JSON.stringify({ script: [{ match: 'GET */file', fault: 'truncate' }] }),
    });
    expect(faults.ok).toBe(true);
    const [result] = await runSync({ client: client(), store }, [target], { batchSize: 100, tmpDir: dir.dir });
    expect(result, result?.error ?? '').toMatchObject({ status: 'success', mode: 'continuation', exported: 2000, inserted: 2000 });
    const stats = (await (await fetch(`${sim.url}/_sim/stats`)).json()) as { routes: Record<string, { total: number }> };
    expect(stats.routes['GET /API/v3/surveys/{surveyId}/export-responses/{fileId}/file']?.total).toBe(2);
    await expectExact();
  });
});
