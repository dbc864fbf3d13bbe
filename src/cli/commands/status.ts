import type { Command } from '@commander-js/extra-typings';

/** `qsync status`: workers, leases, last and next runs, and recent failures, read from PostgreSQL. */
export function registerStatus(program: Command): void {
  program
    .command('status')
    .description('Show the workers (alive or dead), held leases, last and next run of each survey, and recent failures')
    .option('--db <url>', 'postgres:// URL of the database the workers share (default from the config)')
    .option('--config <file>', 'config file (default: qsync.config.yaml, .yml or .json in the working directory)')
    .option('--failures <n>', 'how many recent failures to list (default 20)')
    .option('--json', 'print the report as JSON: { db, schema, now, workers: [...], surveys: [...], failures: [...] }')
    .action(async (flags) => {
      const { runStatusCommand } = await import('./status-run.ts');
      process.exitCode = await runStatusCommand(flags);
    });
}
