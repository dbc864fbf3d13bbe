import { mkdtempSync, readdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { APIUserAbortError, type ClientOptions, ExportFailedError, RateBudget, RateLimitError } from '../../src/client/index.ts';
import {
  ExportDownloadError,
  ExportStartUnknownError,
  ExportTimeoutError,
  type ExportRecords,
  type ExportRunOptions,
  exportRecords,
  exportToFile,
} from '../../src/export/index.ts';
import type { Simulator } from '../../src/sim/index.ts';
import {
  advanceClock,
  groundTruth,
  ROUTES,
  resetSim,
  routeStatus,
  routeTotal,
  scriptFaults,
  simClient,
  simStats,
  startTestSimulator,
} from './helpers.ts';

/**
 * The pipeline against the simulator's faults: every scenario ends with all the data or a clear error, temporary
 * files are gone, and `/_sim/stats` shows no more requests than the policy allows (the client's retries are
 * API_RETRIES_COUNT = 3 per call; an export is never started twice).
 */

const RETRIES = 3;
let sim: Simulator;
let surveyId: string;
let truthIds: string[];
let tmp: string;

/** Every access token the simulator issued (spied on in process: revocation forgets them). */
const issued: string[] = [];

beforeAll(async () => {
  sim = await startTestSimulator({ surveys: 1, responsesPerSurvey: 80, tokenTtlSeconds: 120 });
  const auth = sim.state.auth as unknown as { issueToken: (...args: unknown[]) => { access_token: string } };
  const issue = auth.issueToken.bind(auth);
  auth.issueToken = (...args: unknown[]) => {
    const answer = issue(...args);
    issued.push(answer.access_token);
    return answer;
  };
  surveyId = sim.surveyIds[0]!;
  truthIds = (await groundTruth(sim, surveyId)).map((l) => l.responseId).sort();
});
afterAll(() => sim.close());
beforeEach(async () => {
  await resetSim(sim);
  tmp = mkdtempSync(join(tmpdir(), 'qsync-e2e-faults-'));
  return () => rm(tmp, { recursive: true, force: true });
});

async function ids(opened: ExportRecords): Promise<string[]> {
  const out: string[] = [];
  for await (const record of opened.records()) out.push(record.responseId!);
  return out.sort();
}

/** Runs a csv export to records and returns the response ids read. */
async function exportIds(options: ExportRunOptions = {}, clientOptions: ClientOptions = {}): Promise<string[]> {
  return ids(await exportRecords(simClient(sim, clientOptions), { surveyId, params: { format: 'csv' } }, { tempDir: tmp, ...options }));
}

/**
 * A rate budget that slows down on a 429 as usual but only to half its rate and recovers within a second instead
 * of two minutes, so that storms stay short in a test.
 */
function quickRecovery(): { rateBudget: RateBudget } {
  return { rateBudget: new RateBudget({ cooldownMs: 300, recoverMs: 300, minFactor: 0.5 }) };
}

/**
 * Client options on virtual time: the client's waits (backoff, rate budget) advance its clock instead of the
 * real one. For scripted 429s, where what matters is how many attempts are made, not their pacing.
 */
function virtualTime(): ClientOptions {
  let offset = 0;
  return {
    clock: { now: () => Date.now() + offset },
    sleep: async (ms, signal) => {
      if (signal?.aborted) throw new APIUserAbortError();
      offset += ms;
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
}

describe('authentication', () => {
  it('survives the OAuth token expiring mid-export (refresh and replay once)', async () => {
    let advanced = false;
    const got = await exportIds({
      onProgress: (e) => {
        if (e.phase === 'polling' && !advanced) {
          advanced = true;
          // The simulated clock jumps past the token's 120 s lifetime while the client still thinks it fresh.
          void advanceClock(sim, 10 * 60_000);
        }
      },
      poll: { initialDelayMs: 50, minDelayMs: 50 },
    });
    expect(got).toEqual(truthIds);
    const stats = await simStats(sim);
    expect(routeStatus(stats, ROUTES.token)).toEqual({ '200': 2 });
    const unauthorized = Object.values(stats.routes).reduce((n, r) => n + (r.byStatus['401'] ?? 0), 0);
    expect(unauthorized).toBe(1);
    expect(routeStatus(stats, ROUTES.start)).toEqual({ '200': 1 });
  });

  it('replays a request refused with 401 (revoked token) once with a new token', async () => {
    await scriptFaults(sim, [{ match: 'GET */export-responses/ES_*', fault: 'revokeTokens' }]);
    expect(await exportIds()).toEqual(truthIds);
    const stats = await simStats(sim);
    expect(routeStatus(stats, ROUTES.token)).toEqual({ '200': 2 });
    expect(routeStatus(stats, ROUTES.progress)['401']).toBe(1);
    expect(routeStatus(stats, ROUTES.start)).toEqual({ '200': 1 });
  });
});

describe('server errors and resets', () => {
  it('retries 500, 503 and 504 on progress and file requests within the retry budget', async () => {
    await scriptFaults(sim, [
      { match: 'GET */export-responses/ES_*', fault: '500' },
      { match: 'GET */export-responses/ES_*', fault: '503' },
      { match: 'GET */export-responses/ES_*', fault: '504' },
      { match: 'GET */file', fault: '503', times: 2 },
    ]);
    expect(await exportIds()).toEqual(truthIds);
    const stats = await simStats(sim);
    expect(routeStatus(stats, ROUTES.progress)).toMatchObject({ '500': 1, '503': 1, '504': 1 });
    expect(routeStatus(stats, ROUTES.file)).toEqual({ '503': 2, '200': 1 });
    expect(routeStatus(stats, ROUTES.start)).toEqual({ '200': 1 });
  });

  it('gives up on a request that keeps failing after API_RETRIES_COUNT retries', async () => {
    await scriptFaults(sim, [{ match: 'GET */export-responses/ES_*', fault: '503', times: 20 }]);
    await expect(exportIds()).rejects.toThrow(/503|Service/);
    const stats = await simStats(sim);
    expect(routeTotal(stats, ROUTES.progress)).toBe(1 + RETRIES);
    expect(readdirSync(tmp)).toEqual([]);
  });

  it('does not repeat an export start answered with 500: clear error, one start only', async () => {
    await scriptFaults(sim, [{ match: 'POST */export-responses', fault: '500' }]);
    const run = exportIds();
    await expect(run).rejects.toThrow(ExportStartUnknownError);
    await expect(run).rejects.toThrow(/a job may have started/);
    expect(routeTotal(await simStats(sim), ROUTES.start)).toBe(1);
  });

  it('retries connection resets on idempotent requests, never on the export start', async () => {
    await scriptFaults(sim, [
      { match: 'GET */export-responses/ES_*', fault: 'reset', times: 2 },
      { match: 'GET */file', fault: 'reset' },
    ]);
    expect(await exportIds()).toEqual(truthIds);
    let stats = await simStats(sim);
    expect(routeStatus(stats, ROUTES.progress).reset).toBe(2);
    expect(routeStatus(stats, ROUTES.file)).toEqual({ reset: 1, '200': 1 });

    await resetSim(sim);
    await scriptFaults(sim, [{ match: 'POST */export-responses', fault: 'reset' }]);
    await expect(exportIds()).rejects.toThrow(ExportStartUnknownError);
    stats = await simStats(sim);
    expect(routeTotal(stats, ROUTES.start)).toBe(1);
  });
});

describe('downloads', () => {
  it('re-downloads a truncated file and gets all the data', async () => {
    await scriptFaults(sim, [{ match: 'GET */file', fault: 'truncate' }]);
    expect(await exportIds()).toEqual(truthIds);
    expect(routeTotal(await simStats(sim), ROUTES.file)).toBe(2);
    expect(readdirSync(tmp)).toEqual([]);
  });

  it('stops after the allowed downloads when every one is truncated, leaving no file', async () => {
    await scriptFaults(sim, [{ match: 'GET */file', fault: 'truncate', times: 10 }]);
    const out = join(tmp, 'out');
    await import('node:fs/promises').then((fs) => fs.mkdir(out));
    const run = exportToFile(simClient(sim), { surveyId, params: { format: 'csv' } }, { out });
    await expect(run).rejects.toThrow(ExportDownloadError);
    await expect(run).rejects.toThrow(/in 3 attempts/);
    expect(routeTotal(await simStats(sim), ROUTES.file)).toBe(3);
    expect(readdirSync(out)).toEqual([]);
  });
});

describe('export jobs', () => {
  it('ends a failed export with a clear ExportFailedError', async () => {
    await scriptFaults(sim, [{ match: 'POST */export-responses', fault: 'exportFail' }]);
    const run = exportIds();
    await expect(run).rejects.toThrow(ExportFailedError);
    await expect(run).rejects.toThrow(/failed \(Qualtrics reported status "failed"/);
    const stats = await simStats(sim);
    expect(routeStatus(stats, ROUTES.start)).toEqual({ '200': 1 });
    expect(routeTotal(stats, ROUTES.file)).toBe(0);
  });

  it('times out with the progress id to resume, then resumes it to completion', async () => {
    let progressId = '';
    const run = exportIds({ timeoutMs: 50, onStarted: (job) => void (progressId = job.progressId) });
    await expect(run).rejects.toThrow(ExportTimeoutError);
    await expect(run).rejects.toThrow(new RegExp(`resume polling progress id ${progressId}`));
    expect(routeTotal(await simStats(sim), ROUTES.progress)).toBe(1);
    expect(await exportIds({ resume: { progressId } })).toEqual(truthIds);
    expect(routeStatus(await simStats(sim), ROUTES.start)).toEqual({ '200': 1 });
  });
});

describe('aborts', () => {
  it('aborts mid-poll with a clean error and no temporary files', async () => {
    const controller = new AbortController();
    const run = exportIds({
      signal: controller.signal,
      onProgress: (e) => {
        if (e.phase === 'polling') controller.abort();
      },
    });
    await expect(run).rejects.toThrow(APIUserAbortError);
    await expect(run).rejects.toThrow(/aborted by the caller while polling/);
    expect(readdirSync(tmp)).toEqual([]);
    expect(routeTotal(await simStats(sim), ROUTES.file)).toBe(0);
  });

  it('aborts mid-download with a clean error and no partial file, in both modes', async () => {
    const controller = new AbortController();
    const abortOnBytes = (e: { phase: string }) => {
      if (e.phase === 'downloading') controller.abort();
    };
    const out = join(tmp, 'out');
    await import('node:fs/promises').then((fs) => fs.mkdir(out));
    const toFile = exportToFile(simClient(sim), { surveyId, params: { format: 'csv', compress: false } }, {
      out,
      signal: controller.signal,
      onProgress: abortOnBytes,
    });
    await expect(toFile).rejects.toThrow(APIUserAbortError);
    await expect(toFile).rejects.toThrow(/partial file was removed/);
    expect(readdirSync(out)).toEqual([]);

    const again = new AbortController();
    const records = exportRecords(simClient(sim), { surveyId, params: { format: 'csv' } }, {
      tempDir: out,
      signal: again.signal,
      onProgress: (e) => {
        if (e.phase === 'downloading') again.abort();
      },
    });
    await expect(records).rejects.toThrow(APIUserAbortError);
    expect(readdirSync(out)).toEqual([]);
  });
});

describe('429 storms', () => {
  it('retries scripted 429s within the budget and fails clearly past it, without a second start', async () => {
    await scriptFaults(sim, [{ match: 'GET */export-responses/ES_*', fault: '429', times: 3 }]);
    expect(await exportIds({}, virtualTime())).toEqual(truthIds);
    expect(routeStatus(await simStats(sim), ROUTES.progress)['429']).toBe(3);

    await resetSim(sim);
    await scriptFaults(sim, [{ match: 'POST */export-responses', fault: '429', times: 10 }]);
    await expect(exportIds({}, virtualTime())).rejects.toThrow(RateLimitError);
    const stats = await simStats(sim);
    expect(routeStatus(stats, ROUTES.start)).toEqual({ '429': 1 + RETRIES });
  });

  it('against a low brand limit, every export ends with all its data or a clear error, within the policy', async () => {
    const low = await startTestSimulator({ surveys: 1, responsesPerSurvey: 40, brandLimitPerMin: 240, rateScale: 1000 });
    try {
      const lowSurvey = low.surveyIds[0]!;
      const expected = (await groundTruth(low, lowSurvey)).map((l) => l.responseId).sort();
      // The client does not know the simulator's low limit: it learns from the 429s.
      const client = simClient(low, { retryDelayMs: 200, rateBudget: quickRecovery().rateBudget });
      const storm = Array.from({ length: 40 }, () => client.whoami.get().catch(() => undefined));
      const outcomes = await Promise.allSettled(
        [0, 1, 2].map(() => exportRecords(client, { surveyId: lowSurvey, params: { format: 'csv' } }, { tempDir: tmp }).then(ids)),
      );
      await Promise.all(storm);
      for (const outcome of outcomes) {
        if (outcome.status === 'fulfilled') expect(outcome.value).toEqual(expected);
        else expect(outcome.reason).toBeInstanceOf(RateLimitError);
      }
      const stats = await simStats(low);
      expect(stats.byStatus['429'] ?? 0).toBeGreaterThan(0);
      expect(routeStatus(stats, ROUTES.start)['200'] ?? 0).toBeLessThanOrEqual(3);
      expect(routeTotal(stats, ROUTES.start)).toBeLessThanOrEqual(3 * (1 + RETRIES));
      expect(routeStatus(stats, ROUTES.file)['200'] ?? 0).toBe(outcomes.filter((o) => o.status === 'fulfilled').length);
      expect(readdirSync(tmp)).toEqual([]);
    } finally {
      await low.close();
    }
  });
});

describe('secrets', () => {
  it('logs and error messages carry no client secret, API token or access token', async () => {
    const lines: string[] = [];
    const at = (level: string) => (obj: Record<string, unknown>, msg: string) => void lines.push(JSON.stringify({ level, msg, ...obj }));
    const logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
    await scriptFaults(sim, [
      { match: 'GET */export-responses/ES_*', fault: 'revokeTokens' },
      { match: 'GET */export-responses/ES_*', fault: '500' },
      { match: 'GET */file', fault: 'truncate' },
    ]);
    expect(await exportIds({}, { logger })).toEqual(truthIds);
    const messages: string[] = [];
    await scriptFaults(sim, [{ match: 'POST */export-responses', fault: 'exportFail' }]);
    await exportIds({}, { logger }).catch((err: Error) => messages.push(err.message));
    await exportIds({}, { logger, clientSecret: `${sim.clientSecret}x` }).catch((err: Error) => messages.push(err.message));
    await exportIds({}, { logger, clientId: undefined, clientSecret: undefined, apiToken: `${sim.apiToken}x` }).catch((err: Error) => messages.push(err.message));
    expect(messages).toHaveLength(3);
    expect(lines.some((l) => l.includes('retrying Qualtrics request'))).toBe(true);
    expect(lines.some((l) => l.includes('OAuth token refused (401)'))).toBe(true);
    const text = [...lines, ...messages].join('\n');
    expect(issued.length).toBeGreaterThanOrEqual(2);
    for (const secret of [sim.clientSecret, sim.apiToken, `${sim.apiToken}x`, ...issued]) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/Bearer|Basic [A-Za-z0-9+/=]{8}/);
  });
});
