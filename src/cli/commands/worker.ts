import type { Command } from '@commander-js/extra-typings';

/** `qsync worker`: a long-running worker that shares surveys and the rate budget with others through PostgreSQL. */
export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description('Sync due surveys continuously, sharing the work and the API budget with other workers through PostgreSQL')
    .option('--db <url>', 'postgres:// URL of the database the workers share (default from the config)')
    .option('--config <file>', 'config file (default: qsync.config.yaml, .yml or .json in the working directory)')
    .option('--id <name>', 'worker id, unique among live workers (default: <host>-<pid>)')
    .option('--interval <s>', 'seconds from a successful sync of a survey to its next (default 300)')
    .option('--lease-ttl <s>', 'seconds a claimed survey stays claimed without a heartbeat (default 60)')
    .option('--concurrency <n>', 'surveys this worker syncs at once (default from the config, else 4)')
    .option('--brand-limit <n>', "the brand's published request limit per minute, shared by all workers (default 3000; env QSYNC_BRAND_LIMIT)")
    .option('-v, --verbose', 'log every claim and request (stderr)')
    .action(async (flags) => {
      const { runWorkerCommand } = await import('./worker-run.ts');
      process.exitCode = await runWorkerCommand(flags);
    });
}
