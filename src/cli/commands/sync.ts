import type { Command } from '@commander-js/extra-typings';

/** `qsync sync`: incremental, exactly-once sync of responses into the database. Work is imported on use. */
export function registerSync(program: Command): void {
  program
    .command('sync')
    .description('Sync survey responses into the database (new and edited ones since the last run)')
    .option('--config <file>', 'config file (default: qsync.config.yaml, .yml or .json in the working directory)')
    .option('--db <path|url>', 'database: a SQLite file path or a postgres:// URL (default from the config, else qsync.db)')
    .option('--survey <ids...>', 'only these surveys (SV_…; space- or comma-separated)')
    .option('--full-refresh', 're-export every response instead of the changes (and reconcile deletions)')
    .option('--reconcile', 'also look for deleted responses (an export of response ids)')
    .option('--concurrency <n>', 'surveys synced at once (default from the config, else 4)')
    .option('--json', 'print the summary as JSON: { ok, db, surveys: [{ surveyId, inserted, updated, deleted, unchanged, durationMs, … }] }')
    .option('-v, --verbose', 'log what each survey does (stderr)')
    .action(async (flags) => {
      const { runSyncCommand } = await import('./sync-action.ts');
      process.exitCode = await runSyncCommand(flags);
    });
}
