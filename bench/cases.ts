import { exportCases } from './export-cases.ts';
import type { BenchCase, BenchRow } from './run.ts';
import { storeWriteCase } from './store-run.ts';
import { syncCases } from './sync-full.ts';
import { syncPostgresCase } from './sync-postgres.ts';
import { workersCase } from './workers.ts';

/** PostgreSQL store writes beside `psql \copy` of the same rows, on one harness server in the same run. */
const postgresWriteCase: BenchCase = {
  name: 'postgres-store-write',
  goal: 'store bulk load ≥ 50% of psql \\copy throughput (1,000,000 rows × 50 columns)',
  async run() {
    const { startPostgres } = await import('../test/support/postgres.ts');
    const { benchPostgresWrite, benchPsqlCopy } = await import('./store-postgres.ts');
    const server = await startPostgres();
    const rows: BenchRow[] = [];
    try {
      for (const n of [100_000, 1_000_000]) {
        const store = await benchPostgresWrite(n, 50, server);
        const copy = await benchPsqlCopy(n, 50, server);
        rows.push({ label: `PostgresStore ${n.toLocaleString('en-US')} rows`, figures: { ...store } });
        rows.push({ label: `psql \\copy ${n.toLocaleString('en-US')} rows`, figures: { ...copy } });
        rows.push({ label: `ratio ${n.toLocaleString('en-US')}`, figures: { ofNative: store.rowsPerSec / copy.rowsPerSec } });
      }
    } finally {
      await server.stop();
    }
    return rows;
  },
};

/** Every benchmark case, in the order they run (`npm run bench -- <name>` runs the ones whose name contains it). */
export const cases: BenchCase[] = [...exportCases, ...syncCases, syncPostgresCase, storeWriteCase, postgresWriteCase, workersCase];
