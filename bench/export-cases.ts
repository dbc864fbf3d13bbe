/**
 * Benchmarks of the export pipeline and the client against the simulator (the goals are the issue's):
 * 1. the simulator serving a 1,000,000-response csv export (time, flat memory);
 * 2. qsync exporting and parsing it, beside curl + unzip;
 * 3. the rate budget holding a 600/min brand limit, alone and beside a second client;
 * 4. the lag between an export completing and its download starting.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Logger, QualtricsClient, RateBudget } from '../src/client/index.ts';
import { exportRecords } from '../src/export/index.ts';
import { startSimulator } from '../src/sim/index.ts';
import type { BenchCase, BenchRow } from './run.ts';
import { drain, exportFileUrl, procMemoryMb, startSimChild } from './sim-child.ts';

const SIZES = [100_000, 1_000_000];

function run(cmd: string, args: string[], env: Record<string, string> = {}): Promise<{ stdout: string; ms: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve({ stdout, ms: Math.round(performance.now() - started) }) : reject(new Error(`${cmd} exited ${code}`))));
  });
}

const mb = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;

/** 1. The simulator alone: time to serve the zip of a csv export, and its peak RSS. */
const simServe: BenchCase = {
  name: 'sim-export-serve',
  goal: 'memory stays flat from 100,000 to 1,000,000 responses (~50 columns, csv zip)',
  async run() {
    const rows: BenchRow[] = [];
    for (const n of SIZES) {
      const sim = await startSimChild(['--responses', String(n), '--surveys', '1', '--export-delay-ms', '0']);
      try {
        const idleRssMb = procMemoryMb(sim.pid, 'VmRSS');
        const url = await exportFileUrl(sim, sim.surveyIds[0]!, { format: 'csv' });
        const { bytes, ms } = await drain(url, sim.apiToken);
        rows.push({
          label: `sim serves csv zip, ${n.toLocaleString('en-US')} responses`,
          figures: { ms, zipMb: mb(bytes), zipMbPerSec: Math.round((mb(bytes) / (ms / 1000)) * 10) / 10, rowsPerSec: Math.round(n / (ms / 1000)), idleRssMb, peakRssMb: procMemoryMb(sim.pid, 'VmHWM') },
        });
      } finally {
        await sim.stop();
      }
    }
    return rows;
  },
};

/** 2. qsync export parsed to records (a child process) beside curl + unzip -p of the same export. */
const qsyncExport: BenchCase = {
  name: 'qsync-export-records',
  goal: 'qsync (download + parse) within 3x of curl + unzip -p; qsync peak RSS under 200 MB',
  async run() {
    const rows: BenchRow[] = [];
    for (const n of SIZES) {
      const sim = await startSimChild(['--responses', String(n), '--surveys', '1', '--export-delay-ms', '0']);
      const dir = mkdtempSync(join(tmpdir(), 'qsync-bench-'));
      try {
        const surveyId = sim.surveyIds[0]!;
        const zip = join(dir, 'export.zip');
        const url = await exportFileUrl(sim, surveyId, { format: 'csv' });
        const curl = await run('curl', ['-sS', '--fail', '-o', zip, '-H', `X-API-TOKEN: ${sim.apiToken}`, url]);
        const unzip = await run('sh', ['-c', `unzip -p '${zip}' | wc -c`]);
        const csvBytes = Number(unzip.stdout.trim());
        const baselineMs = curl.ms + unzip.ms;
        const child = await run(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'export-child.ts'), surveyId, 'csv'], {
          QUALTRICS_BASE_URL: sim.baseUrl,
          QUALTRICS_API_TOKEN: sim.apiToken,
        });
        const q = JSON.parse(child.stdout) as { rows: number; columns: number; totalMs: number; jobMs: number; downloadMs: number; parseMs: number; peakRssMb: number };
        const qsyncMs = q.downloadMs + q.parseMs;
        rows.push({
          label: `${n.toLocaleString('en-US')} responses x ${q.columns} columns`,
          figures: {
            rows: q.rows,
            csvMb: mb(csvBytes),
            zipMb: mb(statSync(zip).size),
            curlMs: curl.ms,
            unzipMs: unzip.ms,
            baselineMs,
            qsyncDownloadMs: q.downloadMs,
            qsyncParseMs: q.parseMs,
            qsyncMs,
            qsyncTotalMs: q.totalMs,
            vsBaseline: Math.round((qsyncMs / baselineMs) * 100) / 100,
            rowsPerSec: Math.round(q.rows / (qsyncMs / 1000)),
            csvMbPerSec: Math.round((mb(csvBytes) / (qsyncMs / 1000)) * 10) / 10,
            peakRssMb: q.peakRssMb,
          },
        });
      } finally {
        rmSync(dir, { recursive: true, force: true });
        await sim.stop();
      }
    }
    return rows;
  },
};

/** Mixed read requests, one after another per worker, `count` in all across `workers`. */
async function mixedRequests(client: QualtricsClient, surveyId: string, progressId: string, count: number, workers: number): Promise<number> {
  const kinds = [
    () => client.whoami.get(),
    () => client.surveys.list(),
    () => client.surveys.get(surveyId),
    () => client.surveyDefinitions.get(surveyId),
    () => client.responseExports.progress(surveyId, progressId),
    () => client.whoami.get(),
    () => client.surveys.get(surveyId),
    () => client.responseExports.progress(surveyId, progressId),
    () => client.surveys.filters(surveyId),
    () => client.surveys.list(),
  ];
  let next = 0;
  let failed = 0;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (next < count) {
        const kind = kinds[next++ % kinds.length]!;
        await Promise.resolve(kind()).catch(() => failed++);
      }
    }),
  );
  return failed;
}

/** A logger counting the client's retries after 429s. */
function counting(): { logger: Logger; throttled: () => number } {
  let throttled = 0;
  const noop = () => undefined;
  return {
    logger: { debug: noop, info: noop, error: noop, warn: (obj) => void (obj.status === 429 && throttled++) },
    throttled: () => throttled,
  };
}

/** 3. The rate budget configured to a 600/min simulator, alone then beside a client spending a third. */
const rateBudget: BenchCase = {
  name: 'rate-budget',
  goal: '2,000 mixed requests at >= 90% of a 600/min brand limit with zero 429s; beside a client spending a third, 429s under 2%',
  async run() {
    const sim = await startSimulator({ surveys: 2, responsesPerSurvey: 10, brandLimitPerMin: 600, exportDelayMs: 0 });
    const rows: BenchRow[] = [];
    const stats = async () => (await (await fetch(`${sim.url}/_sim/stats`)).json()) as { total: number; byStatus: Record<string, number> };
    try {
      const surveyId = sim.surveyIds[0]!;
      const base = { baseUrl: sim.url, apiToken: sim.apiToken, tokenCache: false as const, env: {} };
      const setup = new QualtricsClient(base);
      const { progressId } = await setup.responseExports.start(surveyId, { format: 'csv' });
      for (const scenario of ['alone', 'beside a client at 200/min'] as const) {
        await new Promise((r) => setTimeout(r, 6000)); // let the simulator's buckets drain
        await fetch(`${sim.url}/_sim/stats`, { method: 'DELETE' });
        const a = counting();
        const client = new QualtricsClient({ ...base, logger: a.logger, rateBudget: new RateBudget({ brandPerMinute: 600, share: 0.95 }) });
        const b = counting();
        const other = new QualtricsClient({ ...base, logger: b.logger, rateBudget: new RateBudget({ brandPerMinute: 200, share: 1 }) });
        let stop = false;
        let otherRequests = 0;
        const background =
          scenario === 'alone'
            ? Promise.resolve()
            : (async () => {
                while (!stop) {
                  await other.whoami.get().catch(() => undefined);
                  otherRequests++;
                }
              })();
        const started = performance.now();
        const failed = await mixedRequests(client, surveyId, progressId, 2000, 8);
        const minutes = (performance.now() - started) / 60_000;
        stop = true;
        await background;
        const s = await stats();
        rows.push({
          label: `2,000 mixed requests, ${scenario}`,
          figures: {
            seconds: Math.round(minutes * 60),
            perMinute: Math.round(2000 / minutes),
            pctOfLimit: Math.round((2000 / minutes / 600) * 1000) / 10,
            client429s: a.throttled(),
            client429Pct: Math.round((a.throttled() / (2000 + a.throttled())) * 1000) / 10,
            clientFailed: failed,
            otherRequests,
            other429s: b.throttled(),
            sim429Pct: Math.round(((s.byStatus['429'] ?? 0) / s.total) * 1000) / 10,
          },
        });
      }
    } finally {
      await sim.close();
    }
    return rows;
  },
};

/** 4. Lag from an export completing to its download starting, for three concurrent 60 s exports. */
const completionLag: BenchCase = {
  name: 'export-completion-lag',
  goal: 'median lag from completion to download start under 1 s, at most 30 progress requests for a 60 s export',
  async run() {
    const sim = await startSimulator({ surveys: 3, responsesPerSurvey: 50, exportDelayMs: 60_000 });
    const jobs = (sim.state.jobs as unknown as { jobs: Map<string, { doneAt: number }> }).jobs;
    try {
      const client = new QualtricsClient({ baseUrl: sim.url, apiToken: sim.apiToken, tokenCache: false, env: {} });
      const results = await Promise.all(
        sim.surveyIds.map(async (surveyId) => {
          let lagMs = 0;
          const opened = await exportRecords(client, { surveyId, params: { format: 'csv' } }, {
            onCompleted: (job) => {
              // The simulated clock runs on real time here, so it dates the download start on the job's own scale.
              lagMs = sim.world.clock.now() - jobs.get(job.progressId)!.doneAt;
            },
          });
          await opened.close();
          return { lagMs, polls: opened.job.polls };
        }),
      );
      const lags = results.map((r) => r.lagMs).sort((x, y) => x - y);
      return [
        {
          label: '3 concurrent exports of 60 s',
          figures: {
            medianLagMs: lags[1]!,
            maxLagMs: lags[2]!,
            lagsMs: lags.join(' / '),
            progressRequests: results.map((r) => r.polls).join(' / '),
            maxProgressRequests: Math.max(...results.map((r) => r.polls)),
          },
        },
      ];
    } finally {
      await sim.close();
    }
  },
};

/** The export benchmarks, in the order they run. */
export const exportCases: BenchCase[] = [simServe, qsyncExport, completionLag, rateBudget];
