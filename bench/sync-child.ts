/**
 * The process the sync benchmarks measure: one `runSync` of every survey of a simulator into a SQLite file, then one
 * JSON line on stdout with its timings and its own peak RSS.
 *
 *   node --import tsx bench/sync-child.ts <baseUrl> <apiToken> <db> [--full-refresh]
 */
import { QualtricsClient } from '../src/client/index.ts';
import { openStore } from '../src/store/index.ts';
import { resolveSurveys, runSync } from '../src/sync/index.ts';

/** What the child reports. Times in ms. */
export interface SyncChildResult {
  /** Whole run: survey lookup, export (start, poll, download), load. */
  ms: number;
  /** From the start until the first record was being loaded: waiting for Qualtrics (export job and download). */
  exportMs: number;
  /** Parsing and committing the records (the part comparable to `sqlite3 .import`). */
  loadMs: number;
  exported: number;
  inserted: number;
  updated: number;
  unchanged: number;
  /** Peak resident set size of this process (MB). */
  peakRssMb: number;
  status: string;
}

const [baseUrl, apiToken, db, ...flags] = process.argv.slice(2);
if (!baseUrl || !apiToken || !db) throw new Error('usage: sync-child.ts <baseUrl> <apiToken> <db> [--full-refresh]');
const client = new QualtricsClient({ baseUrl, apiToken, tokenCache: false, env: {} });
const store = await openStore(db);
const began = performance.now();
let loadingAt: number | undefined;
const { targets } = await resolveSurveys(client, { surveys: 'all' });
const results = await runSync({ client, store }, targets, {
  fullRefresh: flags.includes('--full-refresh'),
  onProgress: (e) => {
    if (e.phase === 'loading' && loadingAt === undefined) loadingAt = performance.now();
  },
});
const ended = performance.now();
await store.close();
const sum = (k: 'exported' | 'inserted' | 'updated' | 'unchanged') => results.reduce((n, r) => n + r[k], 0);
const out: SyncChildResult = {
  ms: Math.round(ended - began),
  exportMs: Math.round((loadingAt ?? ended) - began),
  loadMs: Math.round(ended - (loadingAt ?? ended)),
  exported: sum('exported'),
  inserted: sum('inserted'),
  updated: sum('updated'),
  unchanged: sum('unchanged'),
  peakRssMb: Math.round(process.resourceUsage().maxRSS / 102.4) / 10,
  status: results.every((r) => r.status === 'success') ? 'success' : (results.find((r) => r.error)?.error ?? 'failed'),
};
process.stdout.write(`${JSON.stringify(out)}\n`);
