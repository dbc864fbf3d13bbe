import type { Command } from '@commander-js/extra-typings';

/** `qsync demo` (what `npm start` runs): simulator → full sync → changes → incremental sync, in about a minute. */
export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('Offline demo: a simulated Qualtrics, a full sync into qsync-demo.db, changes, an incremental sync')
    .option('--db <path>', 'database file (replaced)', 'qsync-demo.db')
    .action(async (flags) => {
      const { runDemo } = await import('../demo.ts');
      process.exitCode = await runDemo({ db: flags.db });
    });
}
