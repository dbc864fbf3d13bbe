/**
 * The synthetic responses both store write benchmarks use (bench/store-write.ts for SQLite, bench/store-postgres.ts
 * for PostgreSQL), and the write loop that feeds them through a `Store` the way the sync engine does: batched
 * transactions, each committing rows and the cursor together.
 */
import type { Store, StoreColumn, StoreRecord, StoreValue } from '../src/store/index.ts';
import type { SqlType } from '../src/store/types.ts';

/** What one write benchmark run measured. */
export interface WriteBenchResult {
  /** Time spent writing (ms): store calls only for a store; the native client process for a baseline. */
  ms: number;
  rowsPerSec: number;
  /** Peak resident set size of the writing process (MB): this Node process for a store, the native client's else. */
  peakRssMb: number;
  /** Store only: wall time including generating the synthetic records (ms). */
  wallMs?: number;
}

/** The survey every benchmark writes. */
export const BENCH_SURVEY = 'SV_benchmark0001';

/** The kind of a synthetic column, which decides its values. */
export type ColumnKind = 'date' | 'integer' | 'boolean' | 'real' | 'text';

/** Column `c` (1-based, after the response id): its kind decides the synthetic value. */
export function kindOf(c: number): ColumnKind {
  if (c === 1) return 'date';
  if (c === 3) return 'boolean';
  if (c % 5 === 0) return 'text';
  if (c % 7 === 0) return 'real';
  return 'integer';
}

/** The value of response `r` (0-based) in column `c`. */
export function cell(r: number, c: number): StoreValue {
  switch (kindOf(c)) {
    case 'date':
      return new Date(Date.UTC(2024, 0, 1) + r * 1000).toISOString();
    case 'boolean':
      return r % 3 !== 0;
    case 'text':
      // Joined, not a template literal: a flat string, as the export parsers produce (a template makes a rope
      // that the first reader must flatten).
      return ['answer ', r, ' to question ', c, ', with some words'].join('');
    case 'real':
      return ((r * c) % 1000) / 10;
    default:
      return ((r * c) % 7) + 1;
  }
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** `R_` + 15 letters and digits, scattered like real response ids (so index inserts land at random places). */
export function scatteredResponseId(r: number): string {
  let id = 'R_';
  let x = (r + 1) * 2654435761;
  for (let i = 0; i < 15; i++) {
    x = (Math.imul(x ^ (x >>> 15), 2246822519) + i + r) >>> 0;
    id += ALNUM[x % 62];
  }
  return id;
}

/** `R_` + `r` in base 36, zero-padded to 15: ids in insertion order. */
export function sequentialResponseId(r: number): string {
  return `R_${r.toString(36).padStart(15, '0')}`;
}

/** The keys of the `cols - 1` columns after the response id: `QID1`, `QID2`, … */
export function columnKeys(cols: number): string[] {
  return Array.from({ length: cols - 1 }, (_, i) => `QID${i + 1}`);
}

/** The `cols - 1` columns after the response id (`QID1`…), typed up front by `types` when given. */
export function syntheticColumns(cols: number, types?: Readonly<Record<ColumnKind, SqlType>>): StoreColumn[] {
  return Array.from({ length: cols - 1 }, (_, i) => ({
    key: `QID${i + 1}`,
    exportTag: `Q${i + 1}`,
    ...(types ? { sqlType: types[kindOf(i + 1)] } : {}),
  }));
}

/** Response `r` with a value for each of `keys` (column `c` is `keys[c - 1]`). */
export function syntheticRecord(r: number, keys: readonly string[], responseId: (r: number) => string): StoreRecord {
  const values: Record<string, StoreValue> = {};
  for (let c = 1; c <= keys.length; c++) values[keys[c - 1]!] = cell(r, c);
  return {
    responseId: responseId(r),
    values,
    meta: { startDate: values[keys[0]!] as string, recordedDate: values[keys[0]!] as string, progress: 100, finished: true },
  };
}

/** How to write the synthetic responses. */
export interface SyntheticWrite {
  rows: number;
  /** Columns, the response id included. */
  cols: number;
  /** Records per transaction. */
  batch: number;
  responseId: (r: number) => string;
}

/** What `writeSynthetic` measured. */
export interface WriteTiming {
  /** Time spent in store calls (ms). */
  storeMs: number;
  /** Wall time of the loop, generating the records included (ms). */
  wallMs: number;
  /** Highest RSS sampled after each transaction (bytes). */
  peakRss: number;
}

/**
 * Saves the benchmark survey in `store`, lays out its columns, then writes `rows` synthetic responses `batch` per
 * transaction, each transaction also advancing the cursor. Times the store calls apart from generating records.
 */
export async function writeSynthetic(store: Store, write: SyntheticWrite): Promise<WriteTiming> {
  await store.saveSurvey({ id: BENCH_SURVEY, name: 'Benchmark survey' });
  const layout = await store.ensureLayout(BENCH_SURVEY, syntheticColumns(write.cols));
  const keys = layout.columns.map((c) => c.key);
  let peakRss = process.memoryUsage.rss();
  let storeMs = 0;
  const wall0 = performance.now();
  for (let start = 0; start < write.rows; start += write.batch) {
    const records: StoreRecord[] = [];
    for (let r = start; r < Math.min(write.rows, start + write.batch); r++) {
      records.push(syntheticRecord(r, keys, write.responseId));
    }
    const t0 = performance.now();
    await store.transaction(async (tx) => {
      await tx.upsertResponses(BENCH_SURVEY, layout, records);
      await tx.setSyncState(BENCH_SURVEY, { highWaterMark: String(records.at(-1)?.meta.startDate) });
    });
    storeMs += performance.now() - t0;
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
  }
  return { storeMs, wallMs: performance.now() - wall0, peakRss };
}

/** The figures of `rows` written in `ms` with a peak RSS of `peakBytes`. */
export function benchResult(rows: number, ms: number, peakBytes: number): WriteBenchResult {
  return { ms: Math.round(ms), rowsPerSec: Math.round((rows / ms) * 1000), peakRssMb: Math.round(peakBytes / 1024 / 102.4) / 10 };
}
