import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { QualtricsClient } from '../../src/client/index.ts';
import type { Simulator, StatsSnapshot } from '../../src/sim/index.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import { type ExportSource, pipelineExportSource, resolveSurveys, runSync, type SurveyTarget } from '../../src/sync/index.ts';
import { control, diffWithTruth, groundTruth, startSim, tempDir } from './helpers.ts';

const START = 'POST /API/v3/surveys/{surveyId}/export-responses';
const PROGRESS = 'GET /API/v3/surveys/{surveyId}/export-responses/{progressId}';
const FILE = 'GET /API/v3/surveys/{surveyId}/export-responses/{fileId}/file';

let sim: Simulator;
let client: QualtricsClient;
let store: Store;
let target: SurveyTarget;
let dir: ReturnType<typeof tempDir>;

/** The export pipeline, crashing (throwing) at one chosen moment of the first export it runs. */
function crashingAt(moment: 'started' | 'completed' | 'loading', afterRecords = 0): ExportSource {
  const inner = pipelineExportSource(client);
  let armed = true;
  return {
    async open(surveyId, params, hooks = {}) {
      const fire = () => {
        if (!armed) return false;
        armed = false;
        return true;
      };
      const opened = await inner.open(surveyId, params, {
        ...hooks,
        onStarted: async (id) => {
          await hooks.onStarted?.(id);
          if (moment === 'started' && fire()) throw new Error('simulated crash after the export started');
        },
        onCompleted: async (done) => {
          await hooks.onCompleted?.(done);
          if (moment === 'completed' && fire()) throw new Error('simulated crash after the export completed');
        },
      });
      if (moment !== 'loading' || !fire()) return opened;
      return {
        ...opened,
        async *records() {
          let n = 0;
          for await (const record of opened.records()) {
            if (++n > afterRecords) throw new Error('simulated crash while loading');
            yield record;
          }
        },
      };
    },
  };
}

/** The export pipeline, recording what each `open` was asked for. */
function recording(): { source: ExportSource; calls: Array<{ resume: unknown; params: Record<string, unknown> }> } {
  const inner = pipelineExportSource(client);
  const calls: Array<{ resume: unknown; params: Record<string, unknown> }> = [];
  return {
    calls,
    source: {
      open(surveyId, params, hooks = {}) {
        calls.push({ resume: hooks.resume ?? null, params: { ...params } });
        return inner.open(surveyId, params, hooks);
      },
    },
  };
}

async function stats(reset = false): Promise<StatsSnapshot> {
  return (await (await fetch(`${sim.url}/_sim/stats`, { method: reset ? 'DELETE' : 'GET' })).json()) as StatsSnapshot;
}

const count = (s: StatsSnapshot, route: string) => s.routes[route]?.total ?? 0;

async function expectExact(): Promise<void> {
  expect(await diffWithTruth(store, target.surveyId, await groundTruth(sim, target.surveyId))).toEqual([]);
}

beforeEach(async () => {
  ({ sim, client } = await startSim({ seed: 21, surveys: 1, responsesPerSurvey: 250 }));
  dir = tempDir();
  store = await openStore(join(dir.dir, 'qsync.db'));
  [target] = (await resolveSurveys(client, { surveys: 'all' })).targets as [SurveyTarget];
});

afterEach(async () => {
  await store.close();
  await sim.close();
  dir.remove();
});

describe('a run that dies resumes instead of starting over', () => {
  it('stores the progress id before polling, and the next run polls that job instead of starting one', async () => {
    const [failed] = await runSync({ client, store, exports: crashingAt('started') }, [target]);
    expect(failed).toMatchObject({ status: 'failed', error: 'simulated crash after the export started' });
    const state = await store.getSyncState(target.surveyId);
    expect(state?.pendingProgressId).toMatch(/^ES_/);
    expect(state?.pendingParams).toMatchObject({ mode: 'full', params: { allowContinuation: true, sortByLastModifiedDate: true } });
    expect(await store.countResponses(target.surveyId)).toBe(0);
    const progressId = state!.pendingProgressId;
    // Changes made after the pending export started are not in it: the run must still end current.
    await control(sim, target.surveyId, 'add', 5);
    await control(sim, target.surveyId, 'edit', 3);
    await stats(true);
    const { source, calls } = recording();
    const [ok] = await runSync({ client, store, exports: source }, [target]);
    expect(ok).toMatchObject({ status: 'success', resumed: true, mode: 'continuation', inserted: 255, updated: 3 });
    // The pending job is finished first, then a continuation export from its token catches up.
    expect(calls.map((c) => c.resume)).toEqual([{ progressId }, null]);
    expect(calls[1]?.params).toMatchObject({ continuationToken: expect.any(String) });
    const s = await stats();
    expect(count(s, START)).toBe(1);
    expect(count(s, PROGRESS)).toBeGreaterThan(1);
    expect(count(s, FILE)).toBe(2);
    expect((await store.getSyncState(target.surveyId))?.pendingProgressId).toBeNull();
    await expectExact();
  });

  it('with the file id stored, the next run downloads the same file without polling', async () => {
    const [failed] = await runSync({ client, store, exports: crashingAt('completed') }, [target]);
    expect(failed?.status).toBe('failed');
    expect((await store.getSyncState(target.surveyId))?.pendingParams).toMatchObject({ fileId: expect.stringMatching(/-def$/) });
    const { pendingProgressId: progressId, pendingParams } = (await store.getSyncState(target.surveyId))!;
    await stats(true);
    const { source, calls } = recording();
    const [ok] = await runSync({ client, store, exports: source }, [target]);
    expect(ok).toMatchObject({ status: 'success', resumed: true, inserted: 250 });
    expect(calls[0]?.resume).toEqual({ progressId, fileId: pendingParams?.['fileId'], continuationToken: pendingParams?.['continuationToken'] });
    // One start (the catch-up export) and two downloads: the resumed file needed no polling.
    const s = await stats();
    expect([count(s, START), count(s, FILE)]).toEqual([1, 2]);
    // The token of the resumed job became the cursor: the next run is incremental.
    const [next] = await runSync({ client, store }, [target]);
    expect(next).toMatchObject({ status: 'success', mode: 'continuation', exported: 0 });
    await expectExact();
  });

  it('a crash between batches keeps the committed batches; the replay stores the rest once', async () => {
    const [failed] = await runSync({ client, store, exports: crashingAt('loading', 120) }, [target], { batchSize: 50 });
    expect(failed).toMatchObject({ status: 'failed', error: 'simulated crash while loading' });
    // Two whole batches committed; the third, interrupted, did not; the cursor did not move.
    expect(await store.countResponses(target.surveyId)).toBe(100);
    const state = await store.getSyncState(target.surveyId);
    expect(state?.continuationToken).toBeNull();
    expect(state?.pendingProgressId).toMatch(/^ES_/);
    const [ok] = await runSync({ client, store }, [target], { batchSize: 50 });
    expect(ok).toMatchObject({ status: 'success', resumed: true, mode: 'continuation', inserted: 150, unchanged: 100, updated: 0 });
    await expectExact();
    const runs = await store.listRuns({ surveyId: target.surveyId });
    expect(runs.map((r) => [r.status, r.inserted])).toEqual([
      ['success', 150],
      ['failed', 100],
    ]);
  });

  it('a pending export that can no longer be fetched (files expire after a week) is replaced by a new one', async () => {
    await runSync({ client, store, exports: crashingAt('completed') }, [target]);
    await fetch(`${sim.url}/_sim/clock`, { method: 'POST', body: JSON.stringify({ advanceMs: 8 * 86_400_000 }) });
    await stats(true);
    const [ok] = await runSync({ client, store }, [target]);
    // The resumed download fails (404), so a new full export replaces it; nothing is left to catch up.
    expect(ok).toMatchObject({ status: 'success', resumed: false, mode: 'full', inserted: 250 });
    const s = await stats();
    expect(s.routes[FILE]?.byStatus['404']).toBe(1);
    expect(count(s, START)).toBe(1);
    await expectExact();
  });
});
